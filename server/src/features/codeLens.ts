// "same stack as N other reports" above each report; the command lists them (references view).
import type { CodeLens } from 'vscode-languageserver/node';
import type { KernelLogAnalysis } from '../documents';
import { SHOW_REPORTS_COMMAND, type ShowReportsArgs } from '../protocol/lsp';

export function kernelLogCodeLenses(analysis: KernelLogAnalysis, uri: string): CodeLens[] {
  const groupOf = new Map(analysis.groups.map((g) => [g.group, g]));
  return analysis.log.reports.map((report) => {
    const group = groupOf.get(report.group);
    const others = group ? group.count - 1 : 0;
    const range = { start: { line: report.line, character: 0 }, end: { line: report.line, character: 0 } };
    if (!group || others === 0) return { range, command: { title: 'unique stack in this log', command: '' } };
    const args: ShowReportsArgs = { uri, line: report.line, lines: group.reports.map((k) => analysis.log.reports[k].line) };
    return {
      range,
      command: { title: `same stack as ${others} other report${others === 1 ? '' : 's'}`, command: SHOW_REPORTS_COMMAND, arguments: [args] },
    };
  });
}
