// One report of a log over 50 MB, as a small document of its own (`xenscope-report:` URIs read
// the report's lines from the file): being small, it gets hover and go to definition.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { REPORT_SCHEME, type DiskReport } from '../../server/src/protocol/lsp';

/** A small document holding one report's lines of a big log: it gets every language feature. */
function reportUri(file: string, report: DiskReport): vscode.Uri {
  const query = new URLSearchParams({ file, from: String(report.line), to: String(report.endLine) }).toString();
  return vscode.Uri.from({ scheme: REPORT_SCHEME, path: `${file}.lines-${report.line + 1}-${report.endLine + 1}.console`, query });
}

/** Lines `from` to `to` (0-based, inclusive) of a file, found by counting newlines in 1 MiB reads. */
async function readLines(file: string, from: number, to: number): Promise<string> {
  const handle = await fs.open(file, 'r');
  try {
    const chunk = Buffer.alloc(1 << 20);
    const parts: Buffer[] = [];
    let line = 0;
    for (let position = 0; ; ) {
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, position);
      if (bytesRead === 0) break;
      let start = line >= from ? 0 : -1;
      for (let nl = chunk.indexOf(10); nl >= 0 && nl < bytesRead; nl = chunk.indexOf(10, nl + 1)) {
        line++;
        if (line === from) start = nl + 1;
        if (line > to) {
          if (start >= 0) parts.push(Buffer.from(chunk.subarray(start, nl + 1)));
          return Buffer.concat(parts).toString('utf8');
        }
      }
      if (start >= 0) parts.push(Buffer.from(chunk.subarray(start, bytesRead)));
      position += bytesRead;
    }
    return Buffer.concat(parts).toString('utf8');
  } finally {
    await handle.close();
  }
}

export function registerReportDocuments(context: vscode.ExtensionContext, reports: Map<string, DiskReport[]>): void {
  const provider: vscode.TextDocumentContentProvider = {
    provideTextDocumentContent: (uri) => {
      const q = new URLSearchParams(uri.query);
      return readLines(q.get('file') ?? '', Number(q.get('from')), Number(q.get('to')));
    },
  };
  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, provider),
    vscode.commands.registerCommand('xenscope.openReport', async (arg?: { uri: string; index: number }) => {
      // With an argument (tests, other extensions): that report, if its log has been read.
      let uri = arg?.uri;
      let report = arg && reports.get(arg.uri)?.[arg.index];
      if (arg && !report) return undefined;
      if (!report) {
        const items = [...reports].flatMap(([u, list]) =>
          list.map((r) => ({ label: r.title, description: `${path.basename(vscode.Uri.parse(u).fsPath)}:${r.line + 1}${r.cpu !== undefined ? `, CPU ${r.cpu}` : ''}`, uri: u, report: r })),
        );
        if (items.length === 0) {
          void vscode.window.showInformationMessage('XenScope: no log over 50 MB is open; smaller logs have their reports in the Outline.');
          return undefined;
        }
        const picked = await vscode.window.showQuickPick(items, { placeHolder: 'The report to open as a document of its own', matchOnDescription: true });
        if (!picked) return undefined;
        uri = picked.uri;
        report = picked.report;
      }
      const document = await vscode.workspace.openTextDocument(reportUri(vscode.Uri.parse(uri!).fsPath, report));
      const kernelLog = document.languageId === 'kernel-log' ? document : await vscode.languages.setTextDocumentLanguage(document, 'kernel-log');
      await vscode.window.showTextDocument(kernelLog, { preview: false });
      return kernelLog;
    }),
  );
}
