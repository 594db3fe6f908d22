// How a kernel log's problems reach the editor, for open documents and for logs read from disk
// alike: a big log's first MB at once, then the whole log's reports, then what the symbol tables
// add. `current` says whether the results are still wanted (no edit or close meanwhile).
import type { Connection } from 'vscode-languageserver/node';
import { analyseKernelLogPrefix, PREFIX_CHARS, PREFIX_FIRST_CHARS, type KernelLogAnalysis } from '../documents';
import type { TableChoice } from '../workspace/symbolSources';
import { reportDiagnostics, tableDiagnostics } from './diagnostics';

export interface KernelLogProblems {
  uri: string;
  /** The document version, for open documents. */
  version?: number;
  text: string;
  /** False when the whole log is analysed already: its problems come at once anyway. */
  prefixFirst: boolean;
  /** The whole log's analysis (parsed here, or taken from a cache). */
  analyse: () => KernelLogAnalysis;
  current: () => boolean;
  tablesFor: (analysis: KernelLogAnalysis) => Promise<TableChoice>;
}

/** Publishes the problems; returns the analysis, or undefined when dropped before it was made. */
export async function publishKernelLogProblems(connection: Connection, p: KernelLogProblems): Promise<KernelLogAnalysis | undefined> {
  const { uri, version } = p;
  if (p.prefixFirst && p.text.length > PREFIX_FIRST_CHARS) {
    await connection.sendDiagnostics({ uri, version, diagnostics: reportDiagnostics(analyseKernelLogPrefix(p.text, PREFIX_CHARS, version ?? 0)) });
    await new Promise((resolve) => setImmediate(resolve)); // let that message go out before the long parse
    if (!p.current()) return undefined;
  }
  const analysis = p.analyse();
  await publishAnalysisProblems(connection, p, analysis);
  return analysis;
}

/** A whole log's problems: its reports at once, then with what the symbol tables add. */
export async function publishAnalysisProblems(
  connection: Connection,
  p: Pick<KernelLogProblems, 'uri' | 'version' | 'current' | 'tablesFor'>,
  analysis: KernelLogAnalysis,
): Promise<void> {
  const { uri, version } = p;
  const base = reportDiagnostics(analysis);
  await connection.sendDiagnostics({ uri, version, diagnostics: base });
  const fromTables = tableDiagnostics(await p.tablesFor(analysis));
  if (fromTables.length > 0 && p.current()) await connection.sendDiagnostics({ uri, version, diagnostics: [...base, ...fromTables] });
}
