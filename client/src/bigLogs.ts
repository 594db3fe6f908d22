// VS Code keeps documents over 50 MB from extensions: no didOpen, so no hover, outline or
// problems. For a kernel log that big shown in an editor tab, ask the server to read it from disk
// and publish its problems, and say once why the rest is missing. No activation event fires for
// such a file, so package.json also activates XenScope on onStartupFinished.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { looksLikeKernelLog, SNIFF_BYTES } from '../../server/src/core/sniff/kernelLogSniffer';
import { DiskLogRequest, EDITOR_SYNC_LIMIT_BYTES, type DiskReport } from '../../server/src/protocol/lsp';
import { SNIFFED_FILE_NAME } from './languageDetection';
import { registerReportDocuments } from './reportDocuments';

/** The kernel-log file names of package.json; .log/.txt files are sniffed. */
const KERNEL_LOG_NAME = /^(?:dmesg|kern\.log)$|\.(?:dmesg|oops|console)$/i;

async function isBigKernelLog(file: string): Promise<boolean> {
  const stat = await fs.stat(file).catch(() => undefined);
  if (!stat?.isFile() || stat.size <= EDITOR_SYNC_LIMIT_BYTES) return false;
  const name = path.basename(file);
  if (KERNEL_LOG_NAME.test(name)) return true;
  if (!SNIFFED_FILE_NAME.test(name) || vscode.workspace.getConfiguration('xenscope').get('detectKernelLogs') === 'off') return false;
  const handle = await fs.open(file, 'r').catch(() => undefined);
  if (!handle) return false;
  try {
    const head = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(head, 0, SNIFF_BYTES, 0);
    return looksLikeKernelLog(head.subarray(0, bytesRead).toString('utf8'));
  } finally {
    await handle.close();
  }
}

function tabFiles(): Set<string> {
  const uris = new Set<string>();
  for (const group of vscode.window.tabGroups.all)
    for (const tab of group.tabs) if (tab.input instanceof vscode.TabInputText && tab.input.uri.scheme === 'file') uris.add(tab.input.uri.toString());
  return uris;
}

export function registerBigLogs(context: vscode.ExtensionContext, client: LanguageClient, started: () => Promise<void>): void {
  const shown = new Set<string>();
  const told = new Set<string>();
  /** The reports of each big log shown, for XenScope: Open a Report of a Large Log. */
  const reports = new Map<string, DiskReport[]>();
  let ranBefore = client.isRunning();
  let running = Promise.resolve();

  async function sync(): Promise<void> {
    const inTabs = tabFiles();
    const synced = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    for (const uri of inTabs) {
      if (shown.has(uri) || synced.has(uri)) continue;
      const file = vscode.Uri.parse(uri).fsPath;
      if (!(await isBigKernelLog(file))) continue;
      shown.add(uri);
      await started();
      const result = await client.sendRequest(DiskLogRequest, { uri, open: true });
      if (result.list) reports.set(uri, result.list);
      if (told.has(uri)) continue;
      told.add(uri);
      const name = vscode.workspace.asRelativePath(file);
      if (result.error) void vscode.window.showWarningMessage(`XenScope: ${result.error}`);
      else
        void vscode.window.showInformationMessage(
          `${name} is over 50 MB, and VS Code does not pass files that large to extensions. XenScope read it from disk: its ${result.reports} reports are in Problems; "XenScope: Open a Report of a Large Log…" opens one as a document with hover and go to definition.`,
        );
    }
    for (const uri of [...shown]) {
      if (inTabs.has(uri)) continue;
      shown.delete(uri);
      reports.delete(uri);
      await client.sendRequest(DiskLogRequest, { uri, open: false });
    }
  }
  // One pass at a time: tab events come in bursts.
  const schedule = () => (running = running.then(sync).catch((e: unknown) => client.error('big logs', e)));
  context.subscriptions.push(
    vscode.window.tabGroups.onDidChangeTabs(schedule),
    // A restarted server knows none of them: ask again (the first start needs nothing).
    client.onDidChangeState((e) => {
      if (e.newState !== State.Running) return;
      if (!ranBefore) return void (ranBefore = true);
      shown.clear();
      schedule();
    }),
  );
  schedule();
  registerReportDocuments(context, reports);
}
