// Logs too large for VS Code to hand to extensions (over 50 MB) never arrive as documents. The
// server reads such a log from disk and publishes its problems, so the Problems list and the
// editor's squiggles still lead to every report; hover and outline need the document itself.
// The file is read and parsed a piece at a time: neither its bytes nor its text are ever held
// whole, so the size of a log is not bounded by the longest string V8 can make.
import { promises as fs } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { fileURLToPath } from 'node:url';
import type { Connection } from 'vscode-languageserver/node';
import { LogPieceParser } from '../core/oops/pieceParser';
import type { ParsedLog } from '../core/oops';
import { analysisOfLog } from '../documents';
import { GarbageBound } from '../memory';
import { DiskLogRequest } from '../protocol/lsp';
import type { TableChoice } from '../workspace/symbolSources';
import type { KernelLogAnalysis } from '../documents';
import { reportDiagnostics } from './diagnostics';
import { publishAnalysisProblems } from './publishProblems';

/** Bytes read at a time. */
const READ_BYTES = 1 << 20;

export interface DiskLogParse {
  /** Gets the reports of the log's first piece (its first MB) as soon as they are parsed. */
  firstPiece?: (log: ParsedLog) => Promise<void>;
  /** False once the result is no longer wanted: the read stops. */
  current: () => boolean;
}

/** The analysis of a `file:` URI's log, or why it cannot be had; undefined when no longer wanted. */
export async function parseDiskLog(uri: string, p: DiskLogParse): Promise<ParsedLog | { error: string } | undefined> {
  if (!uri.startsWith('file:')) return { error: `${uri} is not a file on disk` };
  const file = fileURLToPath(uri);
  let fh: fs.FileHandle;
  try {
    fh = await fs.open(file, 'r');
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as Error).message}` };
  }
  let offset = 0;
  try {
    // The first piece is parsed as soon as the first read is in: its problems show at once.
    const parser = new LogPieceParser({ firstPieceChars: READ_BYTES / 2 });
    const decoder = new StringDecoder('utf8');
    const bytes = Buffer.allocUnsafe(READ_BYTES);
    const garbage = new GarbageBound();
    let first = true;
    for (;;) {
      const { bytesRead } = await fh.read(bytes, 0, bytes.length, offset);
      if (bytesRead === 0) break;
      offset += bytesRead;
      const parsedAPiece = parser.push(decoder.write(bytes.subarray(0, bytesRead)));
      if (parsedAPiece && first && p.firstPiece) {
        first = false;
        await p.firstPiece(parser.snapshot());
      }
      if (!p.current()) return undefined;
      garbage.check();
    }
    parser.push(decoder.end());
    return parser.end();
  } catch (e) {
    return { error: `cannot read ${file} (at byte ${offset}): ${(e as Error).message}` };
  } finally {
    await fh.close().catch(() => undefined);
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
