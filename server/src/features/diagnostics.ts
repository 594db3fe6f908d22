// Problems: one per report (panic, BUG, Oops and crashes are errors; warnings, lockups and
// stalls are warnings), what the parser could not read, and frames that contradict the table.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver/node';
import type { Report } from '../core/oops';
import type { KernelLogAnalysis } from '../documents';
import type { TableChoice } from '../workspace/symbolSources';
import { reportKindLabel } from './documentSymbols';

const ERROR_KINDS = new Set(['panic', 'bug', 'oops', 'page-fault', 'gpf', 'double-fault', 'kasan', 'xen-crash']);
const INFO_KINDS = new Set(['xen-debugkey', 'backtrace']);
const SOURCE = 'xenscope';

function severityOf(report: Report): DiagnosticSeverity {
  if (ERROR_KINDS.has(report.kind)) return DiagnosticSeverity.Error;
  if (INFO_KINDS.has(report.kind)) return DiagnosticSeverity.Information;
  return DiagnosticSeverity.Warning;
}

/** The whole line, end of line included: needs no line lengths, so no pass over the text. */
function wholeLine(line: number) {
  return { start: { line, character: 0 }, end: { line: line + 1, character: 0 } };
}

export function reportDiagnostics(analysis: KernelLogAnalysis): Diagnostic[] {
  const groupOf = new Map(analysis.groups.map((g) => [g.group, g]));
  const out: Diagnostic[] = [];
  for (const report of analysis.log.reports) {
    const where = [report.cpu !== undefined ? `CPU ${report.cpu}` : '', report.comm ? `task ${report.comm}` : ''].filter(Boolean).join(', ');
    const group = groupOf.get(report.group);
    const same = group && group.count > 1 ? ` (same stack as ${group.count - 1} other report${group.count === 2 ? '' : 's'})` : '';
    out.push({
      range: wholeLine(report.line),
      severity: severityOf(report),
      source: SOURCE,
      code: report.kind,
      message: `${reportKindLabel(report.kind)}: ${report.title}${where ? ` — ${where}` : ''}${same}`,
    });
  }
  for (const d of analysis.log.diagnostics) {
    out.push({
      range: wholeLine(d.line),
      severity: d.severity === 'error' ? DiagnosticSeverity.Error : d.severity === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      source: SOURCE,
      message: d.message,
    });
  }
  return out;
}

/** Frames whose `sym+off/size` disagree with the chosen table, and the table's verdict. */
export function tableDiagnostics(choice: TableChoice): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const check of [choice.kernelCheck, choice.xenCheck]) {
    if (!check) continue;
    for (const m of [...check.mismatched, ...check.missing]) {
      const f = m.frame;
      const start = f.symStart >= 0 ? f.symStart : f.start;
      const end = f.offEnd >= 0 ? f.offEnd : f.end;
      out.push({
        range: { start: { line: f.line, character: start }, end: { line: f.line, character: end } },
        severity: check.verdict === 'mismatch' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
        source: SOURCE,
        code: 'symbol-table-mismatch',
        message: check.verdict === 'mismatch' ? `${m.reason}. ${check.message}` : m.reason,
      });
    }
  }
  return out;
}
