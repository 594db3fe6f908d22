// Registers the trace viewer: the custom editor, its commands, the routing of the server's
// progress notifications to panels, and the offer to open files that look like traces.
import { open } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  TraceFilterProgressNotification,
  TraceIndexProgressNotification,
} from '../../../server/src/protocol/traceViewer';
import type { ViewerMethod } from '../../../webview/protocol';
import { ANY_FILE_VIEW_TYPE, TRACE_VIEW_TYPE, TraceEditorProvider, TracePanel } from './traceEditorProvider';

/** The first bytes of every xentrace file: a CPU_CHANGE record header. */
const SIGNATURE = Buffer.from([0x03, 0xf0, 0x01, 0x20]);
const TRACE_EXTENSIONS = /\.(xentrace|xtrace)$/i;

export function registerTraceEditor(context: vscode.ExtensionContext, client: LanguageClient, ready: () => Promise<void>): void {
  const provider = new TraceEditorProvider(context.extensionUri, client, ready);
  const onActive = (command: 'exportSelection' | 'copySelectionJson' | 'showStats' | 'focusFilter') => () => {
    if (!provider.active) {
      void vscode.window.showInformationMessage('Open a binary trace in the XenScope Trace Viewer first.');
      return;
    }
    provider.active.post({ type: 'command', command });
  };
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider(TRACE_VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true }),
    // VS Code keeps one contribution per view type, so "Open With…" on any file needs a second one.
    vscode.window.registerCustomEditorProvider(ANY_FILE_VIEW_TYPE, provider, { supportsMultipleEditorsPerDocument: true }),
    client.onNotification(TraceIndexProgressNotification, (p) => {
      const panel = TracePanel.bySession.get(p.session);
      if (panel) panel.onIndexProgress(p);
      else TracePanel.early.set(p.session, p);
    }),
    client.onNotification(TraceFilterProgressNotification, (p) => TracePanel.bySession.get(p.session)?.onFilterProgress(p)),
    vscode.commands.registerCommand('xenscope.traceViewer.exportSelection', onActive('exportSelection')),
    vscode.commands.registerCommand('xenscope.traceViewer.copySelectionJson', onActive('copySelectionJson')),
    vscode.commands.registerCommand('xenscope.traceViewer.showStatistics', onActive('showStats')),
    vscode.commands.registerCommand('xenscope.traceViewer.filter', onActive('focusFilter')),
    vscode.commands.registerCommand('xenscope.traceViewer.open', async (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri ?? activeTabUri();
      if (target) await vscode.commands.executeCommand('vscode.openWith', target, TRACE_VIEW_TYPE);
    }),
    // For the integration suite: what the open panels show, a request through a panel's relay,
    // and the files offered to the viewer because of their first bytes.
    vscode.commands.registerCommand('xenscope.traceViewer.inspect', () =>
      [...provider.panels].map((p) => ({ uri: p.uri.toString(), session: p.session, progress: p.lastProgress, filter: p.lastFilterProgress, openFailed: p.openFailed })),
    ),
    vscode.commands.registerCommand('xenscope.traceViewer.request', (uri: string, method: ViewerMethod, params: object) => {
      const panel = [...provider.panels].find((p) => p.uri.toString() === uri && p.session);
      if (!panel) throw new Error(`no open trace viewer for ${uri}`);
      return panel.relay(-1, method, params);
    }),
    vscode.commands.registerCommand('xenscope.traceViewer.offered', () => [...offered]),
    vscode.window.tabGroups.onDidChangeTabs((e) => {
      for (const tab of e.opened) void offerViewer(tab);
    }),
  );
}

function activeTabUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
}

const offered = new Set<string>();

/** A file opened as text that starts with the CPU_CHANGE signature is probably a trace: offer the viewer. */
async function offerViewer(tab: vscode.Tab): Promise<void> {
  if (!(tab.input instanceof vscode.TabInputText)) return;
  const uri = tab.input.uri;
  if (uri.scheme !== 'file' || TRACE_EXTENSIONS.test(uri.path) || offered.has(uri.toString())) return;
  if (!(await startsWithSignature(uri.fsPath))) return;
  offered.add(uri.toString());
  const choice = await vscode.window.showInformationMessage(
    `${uri.path.split('/').pop()} starts with a xentrace CPU_CHANGE record. Open it in the XenScope Trace Viewer?`,
    'Open in Trace Viewer',
  );
  if (choice) await vscode.commands.executeCommand('vscode.openWith', uri, TRACE_VIEW_TYPE);
}

async function startsWithSignature(file: string): Promise<boolean> {
  try {
    const fh = await open(file, 'r');
    try {
      const head = Buffer.alloc(4);
      const { bytesRead } = await fh.read(head, 0, 4, 0);
      return bytesRead === 4 && head.equals(SIGNATURE);
    } finally {
      await fh.close();
    }
  } catch {
    return false;
  }
}
