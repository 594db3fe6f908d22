// The read-only custom editor for binary xentrace files. The extension host only relays: the
// language server reads the file and answers the webview's requests, so no trace bytes cross
// into the webview except the ones a row or the detail pane shows.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  MAX_EXPORT_RECORDS,
  TraceCloseRequest,
  TraceExportRequest,
  TraceOpenRequest,
  VIEWER_RELAY,
  type TraceFilterProgress,
  type TraceIndexProgress,
} from '../../../server/src/protocol/traceViewer';
import { isFromWebview, type FromWebview, type ToWebview, type ViewerMethod } from '../../../webview/protocol';
import { viewerHtml } from './html';

export const TRACE_VIEW_TYPE = 'xenscope.traceViewer';
/** The same editor offered (priority "option") for files of any name. */
export const ANY_FILE_VIEW_TYPE = 'xenscope.traceViewer.anyFile';

/** Every webview method has its LSP request (checked here, where both protocols meet). */
const RELAY: Record<ViewerMethod, unknown> = VIEWER_RELAY;

class TraceDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

/** One open viewer panel and its server session. */
export class TracePanel {
  session: string | undefined;
  lastProgress: TraceIndexProgress | undefined;
  lastFilterProgress: TraceFilterProgress | undefined;
  openFailed: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private reloadTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly uri: vscode.Uri,
    readonly panel: vscode.WebviewPanel,
    private readonly client: LanguageClient,
    private readonly ready: () => Promise<void>,
    private readonly onDisposed: (p: TracePanel) => void,
  ) {
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => void this.onMessage(m)),
      panel.onDidDispose(() => void this.dispose()),
    );
    if (uri.scheme === 'file') {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), path.basename(uri.fsPath)));
      const changed = () => this.scheduleReload();
      this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed));
    }
  }

  post(message: ToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private get fileName(): string {
    return path.basename(this.uri.path);
  }

  private async onMessage(raw: unknown): Promise<void> {
    if (!isFromWebview(raw)) return;
    const m: FromWebview = raw;
    switch (m.type) {
      case 'ready':
        // A webview restored after being hidden starts over; the session and its index remain.
        if (this.session) this.resume();
        else await this.open();
        return;
      case 'request':
        await this.relay(m.id, m.method, m.params);
        return;
      case 'export':
        await this.exportSelection(m.params.first, m.params.last, m.params.format, m.target);
        return;
    }
  }

  /** Relays a webview request to the server, adding the session; the answer goes back by id. */
  async relay(id: number, method: ViewerMethod, params: object): Promise<unknown> {
    try {
      if (!this.session) throw new Error('the trace is not open');
      const type = RELAY[method] as unknown as Parameters<LanguageClient['sendRequest']>[0];
      const result = await this.client.sendRequest(type as never, { ...params, session: this.session } as never);
      if (id >= 0) this.post({ type: 'response', id, result });
      return result;
    } catch (err) {
      if (id >= 0) this.post({ type: 'response', id, error: (err as Error).message });
      throw err;
    }
  }

  async open(): Promise<void> {
    this.openFailed = undefined;
    if (this.uri.scheme !== 'file') {
      this.fail(`only files on disk can be opened (this one is ${this.uri.scheme}:)`);
      return;
    }
    await this.ready();
    const opened = await this.client.sendRequest(TraceOpenRequest, { path: this.uri.fsPath });
    if (opened.error !== undefined) {
      this.fail(opened.error);
      return;
    }
    if (opened.notATrace) {
      this.fail(`${opened.notATrace.message}`);
      return;
    }
    this.session = opened.session;
    this.post({ type: 'init', fileName: this.fileName, fileSize: opened.fileSize });
    TracePanel.claim(this);
  }

  private resume(): void {
    this.post({ type: 'init', fileName: this.fileName, fileSize: this.lastProgress?.fileSize ?? 0 });
    if (this.lastProgress) this.post({ type: 'indexProgress', progress: this.lastProgress });
  }

  private fail(message: string): void {
    this.openFailed = message;
    this.post({ type: 'openFailed', fileName: this.fileName, message });
  }

  onIndexProgress(p: TraceIndexProgress): void {
    this.lastProgress = p;
    this.post({ type: 'indexProgress', progress: p });
  }

  onFilterProgress(p: TraceFilterProgress): void {
    this.lastFilterProgress = p;
    this.post({ type: 'filterProgress', progress: p });
  }

  private scheduleReload(): void {
    // Writers append in bursts: reopen once the file has been quiet for a moment.
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    this.reloadTimer = setTimeout(() => void this.reload(), 500);
  }

  async reload(): Promise<void> {
    const old = this.session;
    this.session = undefined;
    this.lastProgress = undefined;
    if (old) await this.client.sendRequest(TraceCloseRequest, { session: old }).catch(() => undefined);
    this.post({ type: 'reloaded' });
    await this.open();
  }

  async exportSelection(first: number, last: number, format: 'text' | 'json', target: 'document' | 'clipboard'): Promise<void> {
    if (!this.session) return;
    const result = await this.client.sendRequest(TraceExportRequest, { session: this.session, first, last, format });
    const more = result.truncated ? ` (the first ${MAX_EXPORT_RECORDS} records only)` : '';
    if (format === 'json' || target === 'clipboard') {
      await vscode.env.clipboard.writeText(result.text);
      const what = first === last ? `record ${first}` : `records ${first}…${last}`;
      vscode.window.setStatusBarMessage(`XenScope: copied ${what}${format === 'json' ? ' as JSON' : ''}${more}`, 4000);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ language: 'xentrace', content: result.text });
    await vscode.window.showTextDocument(doc, { preview: false });
    if (more) void vscode.window.showWarningMessage(`Exported${more}.`);
  }

  async dispose(): Promise<void> {
    if (this.reloadTimer) clearTimeout(this.reloadTimer);
    for (const d of this.disposables.splice(0)) d.dispose();
    this.onDisposed(this);
    const session = this.session;
    this.session = undefined;
    if (session) await this.client.sendRequest(TraceCloseRequest, { session }).catch(() => undefined);
  }

  /** Progress notifications that arrived before the open request answered, by session. */
  static readonly early = new Map<string, TraceIndexProgress>();
  static readonly bySession = new Map<string, TracePanel>();
  private static claim(panel: TracePanel): void {
    if (!panel.session) return;
    TracePanel.bySession.set(panel.session, panel);
    const early = TracePanel.early.get(panel.session);
    TracePanel.early.delete(panel.session);
    if (early) panel.onIndexProgress(early);
  }
}

export class TraceEditorProvider implements vscode.CustomReadonlyEditorProvider<TraceDocument> {
  readonly panels = new Set<TracePanel>();
  active: TracePanel | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly client: LanguageClient,
    private readonly ready: () => Promise<void>,
  ) {}

  openCustomDocument(uri: vscode.Uri): TraceDocument {
    return new TraceDocument(uri);
  }

  resolveCustomEditor(document: TraceDocument, webviewPanel: vscode.WebviewPanel): void {
    const distWebview = vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview');
    webviewPanel.webview.options = { enableScripts: true, localResourceRoots: [distWebview] };
    const panel = new TracePanel(document.uri, webviewPanel, this.client, this.ready, (p) => {
      this.panels.delete(p);
      if (p.session) TracePanel.bySession.delete(p.session);
      if (this.active === p) this.active = undefined;
    });
    this.panels.add(panel);
    this.active = panel;
    webviewPanel.onDidChangeViewState((e) => {
      if (e.webviewPanel.active) this.active = panel;
    });
    webviewPanel.webview.html = viewerHtml(webviewPanel.webview, distWebview);
  }
}
