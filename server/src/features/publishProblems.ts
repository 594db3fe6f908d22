// How a kernel log's problems reach the editor, for open documents and for logs read from disk
// alike: a big log's first MB at once, then the whole log's reports, then what the symbol tables
// add. `current` says whether the results are still wanted (no edit or close meanwhile).
import type { Connection } from 'vscode-languageserver/node';
import type { KernelLogAnalysis } from '../documents';
import { GarbageBound } from '../memory';
import type { TableChoice } from '../workspace/symbolSources';
import { reportDiagnostics, tableDiagnostics } from './diagnostics';

export interface KernelLogProblems {
  uri: string;
  /** The document version, for open documents. */
  version?: number;
  /** A big log's first MB, to publish before the whole log is parsed (undefined: none). */
  firstLook: () => KernelLogAnalysis | undefined;
  /** The whole log's analysis (parsed here, or taken from a cache). */
  analyse: () => KernelLogAnalysis;
  current: () => boolean;
  tablesFor: (analysis: KernelLogAnalysis) => Promise<TableChoice>;
}

/** Publishes the problems; returns the analysis, or undefined when dropped before it was made. */
export async function publishKernelLogProblems(connection: Connection, p: KernelLogProblems): Promise<KernelLogAnalysis | undefined> {
  const { uri, version } = p;
  const first = p.firstLook();
  if (first) {
    await connection.sendDiagnostics({ uri, version, diagnostics: reportDiagnostics(first) });
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
  // A big log's problems are tens of MB of JSON per message: collected as they go, they do not
  // pile up on the analysis (peak 5.1× a 100 MB log's size before, 4.x after).
  const garbage = new GarbageBound(32 << 20);
  const base = reportDiagnostics(analysis);
  await connection.sendDiagnostics({ uri, version, diagnostics: base });
  garbage.check();
  const fromTables = tableDiagnostics(await p.tablesFor(analysis));
  if (fromTables.length > 0 && p.current()) await connection.sendDiagnostics({ uri, version, diagnostics: [...base, ...fromTables] });
  garbage.check();
}
