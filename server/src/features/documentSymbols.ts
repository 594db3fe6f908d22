// Outline and breadcrumbs: each report, with its call trace's context blocks and frames.
import { SymbolKind, type DocumentSymbol } from 'vscode-languageserver/node';
import type { Frame, Report } from '../core/oops';
import type { KernelLogAnalysis } from '../documents';

const KIND_LABEL: Record<string, string> = {
  'soft-lockup': 'soft lockup', 'hard-lockup': 'hard lockup', 'hung-task': 'hung task', 'rcu-stall': 'RCU stall',
  bug: 'BUG', oops: 'Oops', 'page-fault': 'page fault', gpf: 'general protection fault', warning: 'WARNING',
  panic: 'panic', 'double-fault': 'double fault', kasan: 'KASAN', lockdep: 'lockdep', 'xen-crash': 'Xen crash',
  'xen-debugkey': 'Xen debug key', backtrace: 'backtrace',
};

export function reportKindLabel(kind: string): string {
  return KIND_LABEL[kind] ?? kind;
}

function lineRange(line: number, endLine: number, endCharacter = 0) {
  return { start: { line, character: 0 }, end: { line: endLine, character: endCharacter } };
}

function frameSymbol(f: Frame): DocumentSymbol {
  const range = { start: { line: f.line, character: f.start }, end: { line: f.line, character: f.end } };
  return {
    name: (f.reliable ? '' : '? ') + (f.symbol ?? `0x${f.address?.toString(16) ?? '?'}`),
    detail: f.module ? `[${f.module}]` : undefined,
    kind: SymbolKind.Function,
    range,
    selectionRange: range,
  };
}

function reportSymbol(report: Report, lineLength: (line: number) => number): DocumentSymbol {
  const traceFrames = report.frames.filter((f) => f.role === 'trace');
  const children: DocumentSymbol[] = [];
  for (const block of report.blocks) {
    const inBlock = traceFrames.filter((f) => f.line >= block.line && f.line <= block.endLine);
    children.push({
      name: `<${block.context}>`,
      kind: SymbolKind.Namespace,
      range: lineRange(block.line, block.endLine, lineLength(block.endLine)),
      selectionRange: lineRange(block.line, block.line, lineLength(block.line)),
      children: inBlock.map(frameSymbol),
    });
  }
  const outside = traceFrames.filter((f) => !report.blocks.some((b) => f.line >= b.line && f.line <= b.endLine));
  children.push(...outside.map(frameSymbol));
  children.sort((a, b) => a.range.start.line - b.range.start.line);
  const detail = [reportKindLabel(report.kind), report.cpu !== undefined ? `CPU ${report.cpu}` : '', report.comm ?? ''].filter(Boolean).join(' · ');
  return {
    name: report.title || reportKindLabel(report.kind),
    detail,
    kind: SymbolKind.Event,
    range: lineRange(report.line, report.endLine, lineLength(report.endLine)),
    selectionRange: lineRange(report.line, report.line, lineLength(report.line)),
    children,
  };
}

export function kernelLogSymbols(analysis: KernelLogAnalysis, lineLength: (line: number) => number): DocumentSymbol[] {
  return analysis.log.reports.map((r) => reportSymbol(r, lineLength));
}
