// Workspace symbols: the loaded tables' symbols (located at their line in the table file) and the
// titles of the reports in open logs.
import { SymbolKind, type SymbolInformation } from 'vscode-languageserver/node';
import { pathToFileURL } from 'node:url';
import type { KernelLogAnalysis } from '../documents';
import type { LoadedSource } from '../workspace/symbolSources';

const MAX_RESULTS = 500;

export async function workspaceSymbols(
  query: string,
  sources: readonly LoadedSource[],
  logs: readonly [string, KernelLogAnalysis][],
  tableLine: (file: string, name: string) => Promise<number | undefined>,
): Promise<SymbolInformation[]> {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const [uri, analysis] of logs) {
    for (const r of analysis.log.reports) {
      if (out.length >= MAX_RESULTS) return out;
      if (!r.title.toLowerCase().includes(q)) continue;
      out.push({ name: r.title, kind: SymbolKind.Event, location: { uri, range: { start: { line: r.line, character: 0 }, end: { line: r.line, character: 0 } } } });
    }
  }
  if (q.length < 2) return out; // a whole table for one letter helps nobody
  for (const source of sources) {
    const table = source.table;
    if (!table) continue;
    const uri = pathToFileURL(source.status.path).toString();
    for (let i = 0; i < table.count && out.length < MAX_RESULTS; i++) {
      const s = table.at(i);
      if (!s.name.toLowerCase().includes(q)) continue;
      const line = (await tableLine(source.status.path, s.name)) ?? 1;
      out.push({
        name: s.name,
        kind: SymbolKind.Function,
        containerName: `${source.status.path.split('/').pop()} 0x${s.address.toString(16)}`,
        location: { uri, range: { start: { line: line - 1, character: 0 }, end: { line: line - 1, character: 0 } } },
      });
    }
  }
  return out;
}
