// Logs too large for VS Code to hand to extensions (over 50 MB) never arrive as documents. The
// server reads such a log from disk and publishes its problems, so the Problems list and the
// editor's squiggles still lead to every report; hover and outline need the document itself.
// The file is read and parsed a piece at a time (core/oops/logFile.ts).
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { parseLogFile } from '../core/oops/logFile';
import type { ParsedLog } from '../core/oops';
import { analysisOfLog, type KernelLogAnalysis } from '../documents';
import { GarbageBound } from '../memory';
import { DiskLogRequest } from '../protocol/lsp';
import type { TableChoice } from '../workspace/symbolSources';
import { reportDiagnostics } from './diagnostics';
import { publishAnalysisProblems } from './publishProblems';

/** The analysis of a `file:` URI's log, or why it cannot be had; undefined when no longer wanted. */
export async function parseDiskLog(uri: string, p: { current: () => boolean; firstPiece?: (log: ParsedLog) => Promise<void> }): Promise<ParsedLog | { error: string } | undefined> {
  if (!uri.startsWith('file:')) return { error: `${uri} is not a file on disk` };
  const garbage = new GarbageBound();
  const read = await parseLogFile(fileURLToPath(uri), { ...p, afterRead: () => garbage.check() });
  return read && 'log' in read ? read.log : read;
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
    const started = performance.now();
    const log = await parseDiskLog(uri, {
      current,
      firstPiece: (first) => connection.sendDiagnostics({ uri, diagnostics: reportDiagnostics(analysisOfLog(first, 0, started)) }),
    });
    if (!log) return { reports: 0 };
    if ('error' in log) return { reports: 0, error: log.error };
    if (!current()) return { reports: 0 };
    const analysis = analysisOfLog(log, 0, started);
    await publishAnalysisProblems(connection, { uri, current, tablesFor }, analysis);
    const list = log.reports.map((r) => ({ line: r.line, endLine: r.endLine, title: r.title, ...(r.cpu !== undefined ? { cpu: r.cpu } : {}) }));
    return { reports: list.length, list };
  });
}
