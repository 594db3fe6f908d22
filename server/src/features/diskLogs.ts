// Logs too large for VS Code to hand to extensions (over 50 MB) never arrive as documents. The
// server reads such a log from disk and publishes its problems, so the Problems list and the
// editor's squiggles still lead to every report; hover and outline need the document itself.
import { constants } from 'node:buffer';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { analyseKernelLog, type KernelLogAnalysis } from '../documents';
import { DiskLogRequest } from '../protocol/lsp';
import type { TableChoice } from '../workspace/symbolSources';
import { publishKernelLogProblems } from './publishProblems';

/** The text of a `file:` URI, or why it cannot be had. */
export async function readDiskLog(uri: string): Promise<{ text: string } | { error: string }> {
  if (!uri.startsWith('file:')) return { error: `${uri} is not a file on disk` };
  const file = fileURLToPath(uri);
  try {
    const { size } = await fs.stat(file);
    // A UTF-8 file of this many bytes may hold as many characters: refuse before reading.
    if (size > constants.MAX_STRING_LENGTH)
      return { error: `${file} is ${size} bytes, more than the ${constants.MAX_STRING_LENGTH} characters a string can hold here: use \`xenscope oops parse\`` };
    return { text: (await fs.readFile(file)).toString('utf8') };
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as Error).message}` };
  }
}

/** Answers `xenscope/diskLog`: publishes a big log's problems while its tab is open, clears them after. */
export function registerDiskLogs(connection: Connection, tablesFor: (analysis: KernelLogAnalysis) => Promise<TableChoice>): void {
  // A generation per URI: a close or a reopen while a parse runs makes its results stale.
  const generations = new Map<string, number>();
  connection.onRequest(DiskLogRequest, async ({ uri, open }) => {
    const generation = (generations.get(uri) ?? 0) + 1;
    generations.set(uri, generation);
    const current = () => generations.get(uri) === generation;
    if (!open) {
      generations.delete(uri);
      await connection.sendDiagnostics({ uri, diagnostics: [] });
      return { reports: 0 };
    }
    const read = await readDiskLog(uri);
    if ('error' in read) return { reports: 0, error: read.error };
    if (!current()) return { reports: 0 };
    const text = read.text;
    const analysis = await publishKernelLogProblems(connection, { uri, text, prefixFirst: true, analyse: () => analyseKernelLog(text, 0), current, tablesFor });
    if (!analysis) return { reports: 0 };
    const list = analysis.log.reports.map((r) => ({ line: r.line, endLine: r.endLine, title: r.title, ...(r.cpu !== undefined ? { cpu: r.cpu } : {}) }));
    return { reports: list.length, list };
  });
}
