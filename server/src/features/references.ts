// References of a report: every report in the log with the same stack (its group).
import type { Location } from 'vscode-languageserver/node';
import type { KernelLogAnalysis } from '../documents';
import { reportContaining } from './reportIndex';

export function sameStackReports(analysis: KernelLogAnalysis, uri: string, line: number): Location[] | null {
  const report = reportContaining(analysis.log, line);
  if (!report) return null;
  const group = analysis.groups.find((g) => g.group === report.group);
  if (!group) return null;
  return group.reports.map((k) => {
    const r = analysis.log.reports[k];
    return { uri, range: { start: { line: r.line, character: 0 }, end: { line: r.line, character: 0 } } };
  });
}
