// Messages between the trace viewer's webview and the extension host, declared once and imported
// by both (like hexeditor's shared/protocol.ts). The webview names a request by method; the host
// adds the session and relays it to the language server's `xenscope/trace…` request of that name.
import type {
  TraceDensityParams,
  TraceDensityResult,
  TraceDetailParams,
  TraceExportParams,
  TraceFilterIdParams,
  TraceFilterParams,
  TraceFilterProgress,
  TraceFilterStartResult,
  TraceIndexProgress,
  TraceJumpParams,
  TraceJumpResult,
  TraceMatchPosition,
  TraceNextMatchParams,
  TraceProblemJson,
  TraceRecordDetail,
  TraceRowsParams,
  TraceRowsResult,
  TraceStatsResult,
  TraceTimeRowsParams,
} from '../server/src/protocol/traceViewer';

type WithoutSession<T> = Omit<T, 'session'>;

/** Requests the webview may make: method → [params, result]. */
export interface ViewerRequests {
  rows: [WithoutSession<TraceRowsParams>, TraceRowsResult];
  timeRows: [WithoutSession<TraceTimeRowsParams>, TraceRowsResult];
  detail: [WithoutSession<TraceDetailParams>, TraceRecordDetail | null];
  filterStart: [WithoutSession<TraceFilterParams>, TraceFilterStartResult];
  filterCancel: [WithoutSession<TraceFilterIdParams>, void];
  nextMatch: [WithoutSession<TraceNextMatchParams>, TraceMatchPosition | null];
  jump: [WithoutSession<TraceJumpParams>, TraceJumpResult];
  stats: [Record<string, never>, TraceStatsResult];
  density: [WithoutSession<TraceDensityParams>, TraceDensityResult | null];
}
export type ViewerMethod = keyof ViewerRequests;
export const VIEWER_METHODS: readonly ViewerMethod[] = ['rows', 'timeRows', 'detail', 'filterStart', 'filterCancel', 'nextMatch', 'jump', 'stats', 'density'];

export type RequestMessage = {
  [M in ViewerMethod]: { type: 'request'; id: number; method: M; params: ViewerRequests[M][0] };
}[ViewerMethod];

/** What the webview keeps across hide/restore (vscode.setState). */
export interface ViewerState {
  order: 'file' | 'time';
  top: number;
  selected: number;
  tscHz?: number;
}

/** Webview → host. */
export type FromWebview =
  | { type: 'ready' }
  | RequestMessage
  /** Text to a new xentrace document or to the clipboard; JSON always to the clipboard. */
  | { type: 'export'; params: WithoutSession<TraceExportParams>; target: 'document' | 'clipboard' };

/** Host → webview. */
export type ToWebview =
  | { type: 'init'; fileName: string; fileSize: number }
  | { type: 'openFailed'; fileName: string; message: string; problem?: TraceProblemJson }
  | { type: 'response'; id: number; result?: unknown; error?: string }
  | { type: 'indexProgress'; progress: TraceIndexProgress }
  | { type: 'filterProgress'; progress: TraceFilterProgress }
  /** The file changed on disk: the host reopened it, the webview starts over. */
  | { type: 'reloaded' }
  /** Host-side commands acting on the webview's selection. */
  | { type: 'command'; command: 'exportSelection' | 'copySelectionJson' | 'showStats' | 'focusFilter' };

/** Runtime check of a message from the webview (the host trusts nothing it receives). */
export function isFromWebview(value: unknown): value is FromWebview {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; method?: unknown; id?: unknown; params?: unknown; target?: unknown };
  switch (m.type) {
    case 'ready':
      return true;
    case 'request':
      return typeof m.id === 'number' && typeof m.method === 'string' && (VIEWER_METHODS as readonly string[]).includes(m.method) && typeof m.params === 'object' && m.params !== null;
    case 'export':
      return typeof m.params === 'object' && m.params !== null && (m.target === 'document' || m.target === 'clipboard');
    default:
      return false;
  }
}
