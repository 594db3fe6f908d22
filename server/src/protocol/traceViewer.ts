// The custom LSP requests of the binary trace viewer, declared once and imported by the client
// relay and the server handlers (like rust-analyzer's lsp_ext.ts). Plain data only: TSCs travel
// as decimal strings (they exceed 2^53), offsets and record numbers as numbers (≤ 2^53).
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { TraceStats } from '../core/xentrace/traceStats';

/** A problem the decoder found, at its byte offset. */
export interface TraceProblemJson {
  offset: number;
  kind: string;
  message: string;
}

/** One table row: what the webview shows for a record. */
export interface TraceRow {
  /** Record number in file order. */
  i: number;
  offset: number;
  cpu: number;
  /** Decimal TSC, or null before the CPU's first TSC. */
  tsc: string | null;
  tscInherited: boolean;
  /** 28-bit event ID. */
  event: number;
  name: string;
  className: string;
  /** Domain and vCPU running on that CPU (from scheduler records), -1 when not known yet. */
  dom: number;
  vcpu: number;
  /** `name=value (meaning)` pairs. */
  summary: string;
}

export interface TraceField {
  name: string;
  text: string;
  meaning?: string;
}

/** Everything about one record for the detail pane. */
export interface TraceRecordDetail extends TraceRow {
  header: number;
  size: number;
  is64: boolean;
  flags: string[];
  versions: string;
  note?: string;
  fields: TraceField[];
  /** Payload words, hex. */
  words: string[];
  /** The record's bytes as two-digit hex, in file order. */
  bytes: string[];
}

export interface TraceOpenParams {
  /** File system path of the trace. */
  path: string;
}
export interface TraceOpenResult {
  session: string;
  fileSize: number;
  /** Set when the file is not a trace at all (the editor shows it instead of a table). */
  notATrace?: TraceProblemJson;
  error?: string;
}
export const TraceOpenRequest = new RequestType<TraceOpenParams, TraceOpenResult, void>('xenscope/traceOpen');

export interface TraceSessionParams {
  session: string;
}
export const TraceCloseRequest = new RequestType<TraceSessionParams, void, void>('xenscope/traceClose');

/**
 * Sent while the trace is read: first the index (seeks, rows), then the details pass (statistics,
 * domain/vCPU of rows, density, TSC range and rate). Once more when each is done.
 */
export interface TraceIndexProgress {
  session: string;
  offset: number;
  fileSize: number;
  records: number;
  /** The index is complete: every record can be reached. */
  done: boolean;
  detailsOffset: number;
  detailsDone: boolean;
  problems: TraceProblemJson[];
  problemCount: number;
  /** First and last TSC seen so far (decimal). */
  firstTsc: string | null;
  lastTsc: string | null;
  /** Estimated TSC rate, once known. */
  tscHz: number | null;
  cpus: number[];
  indexMs?: number;
  detailsMs?: number;
}
export const TraceIndexProgressNotification = new NotificationType<TraceIndexProgress>('xenscope/traceIndexProgress');

/** Rows by position: in file order, or among the matches of a filter. */
export interface TraceRowsParams extends TraceSessionParams {
  start: number;
  count: number;
  /** With a filter id, `start` counts matches instead of records. */
  filter?: string;
}
export interface TraceRowsResult {
  rows: TraceRow[];
  /** Rows available in this order so far (grows while indexing or filtering). */
  total: number;
}
export const TraceRowsRequest = new RequestType<TraceRowsParams, TraceRowsResult, void>('xenscope/traceRows');

/** The key that orders records in time order (see core compareTime). */
export interface TimeKey {
  tsc: string | null;
  cpu: number;
  i: number;
}
/** Rows in time order (merged across CPUs): `count` rows from `fromTsc`, or strictly after / before `key`. */
export interface TraceTimeRowsParams extends TraceSessionParams {
  fromTsc?: string;
  after?: TimeKey;
  before?: TimeKey;
  count: number;
}
export const TraceTimeRowsRequest = new RequestType<TraceTimeRowsParams, TraceRowsResult, void>('xenscope/traceTimeRows');

export interface TraceDetailParams extends TraceSessionParams {
  i: number;
}
export const TraceDetailRequest = new RequestType<TraceDetailParams, TraceRecordDetail | null, void>('xenscope/traceDetail');

/** Filter terms; all given terms must hold. Lists are alternatives. */
export interface TraceFilter {
  cpus?: number[];
  /** Class names (`hvm`, `TRC_SCHED`). */
  classes?: string[];
  /** Event names (with or without TRC_) or IDs (`0x0002800a`). */
  events?: string[];
  doms?: number[];
  vcpus?: number[];
  /** Case-insensitive text searched in the event name and the decoded fields. */
  text?: string;
}
export interface TraceFilterParams extends TraceSessionParams {
  filter: TraceFilter;
}
export interface TraceFilterStartResult {
  filter?: string;
  error?: string;
}
export const TraceFilterStartRequest = new RequestType<TraceFilterParams, TraceFilterStartResult, void>('xenscope/traceFilterStart');
export interface TraceFilterIdParams extends TraceSessionParams {
  filter: string;
}
export const TraceFilterCancelRequest = new RequestType<TraceFilterIdParams, void, void>('xenscope/traceFilterCancel');

export interface TraceFilterProgress {
  session: string;
  filter: string;
  scanned: number;
  total: number;
  matches: number;
  done: boolean;
  cancelled: boolean;
  recordsPerSecond?: number;
}
export const TraceFilterProgressNotification = new NotificationType<TraceFilterProgress>('xenscope/traceFilterProgress');

/** The nearest match after (or before) record `from`; null when there is none (yet). */
export interface TraceNextMatchParams extends TraceFilterIdParams {
  from: number;
  direction: 1 | -1;
}
export interface TraceMatchPosition {
  /** Record number. */
  i: number;
  /** Its position among the matches. */
  match: number;
}
export const TraceNextMatchRequest = new RequestType<TraceNextMatchParams, TraceMatchPosition | null, void>('xenscope/traceNextMatch');

export type TraceJumpTarget = { record: number } | { tsc: string } | { timeUs: number; tscHz: number };
export interface TraceJumpParams extends TraceSessionParams {
  to: TraceJumpTarget;
}
export interface TraceJumpResult {
  /** The record (file order) to show, or an error. */
  i?: number;
  tsc?: string | null;
  error?: string;
}
export const TraceJumpRequest = new RequestType<TraceJumpParams, TraceJumpResult, void>('xenscope/traceJump');

/** The core's statistics as the wire carries them, plus what the viewer adds. */
export interface TraceStatsResult extends Omit<TraceStats, 'tscHz' | 'problems'> {
  /** Lost-record spans: where each LOST_RECORDS record is and how many it reports. */
  lostSpans: { i: number; cpu: number; tsc: string | null; lost: number }[];
  inheritedTsc: number;
  tscHz: number | null;
  problemCount: number;
  problems: TraceProblemJson[];
  complete: boolean;
}
export const TraceStatsRequest = new RequestType<TraceSessionParams, TraceStatsResult, void>('xenscope/traceStats');

export interface TraceDensityParams extends TraceSessionParams {
  buckets: number;
  /** TSC range (decimal); the whole trace when absent. */
  fromTsc?: string;
  toTsc?: string;
}
export interface TraceDensityResult {
  fromTsc: string;
  toTsc: string;
  cpus: number[];
  /** counts[c][b]: records of cpus[c] in bucket b (resolution: one sample every few records). */
  counts: number[][];
  /** For a click: the first sampled record of each bucket per CPU (-1 when empty). */
  firstRecord: number[][];
}
export const TraceDensityRequest = new RequestType<TraceDensityParams, TraceDensityResult | null, void>('xenscope/traceDensity');

export interface TraceExportParams extends TraceSessionParams {
  /** Records first…last in file order. */
  first: number;
  last: number;
  format: 'text' | 'json';
}
export interface TraceExportResult {
  text: string;
  truncated: boolean;
}
export const TraceExportRequest = new RequestType<TraceExportParams, TraceExportResult, void>('xenscope/traceExport');

/** Largest export, in records (the text goes through the LSP connection and a document). */
export const MAX_EXPORT_RECORDS = 100_000;

/** The request behind each webview method: the host relays `rows` as TraceRowsRequest, and so on. */
export const VIEWER_RELAY = {
  rows: TraceRowsRequest,
  timeRows: TraceTimeRowsRequest,
  detail: TraceDetailRequest,
  filterStart: TraceFilterStartRequest,
  filterCancel: TraceFilterCancelRequest,
  nextMatch: TraceNextMatchRequest,
  jump: TraceJumpRequest,
  stats: TraceStatsRequest,
  density: TraceDensityRequest,
} as const;
