// Folding: whole reports, their call traces and context blocks, and register dumps.
import { FoldingRangeKind, type FoldingRange } from 'vscode-languageserver/node';
import type { KernelLogAnalysis } from '../documents';

export function kernelLogFolding(analysis: KernelLogAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (startLine: number, endLine: number, kind?: string) => {
    if (endLine > startLine) out.push({ startLine, endLine, kind });
  };
  for (const report of analysis.log.reports) {
    add(report.line, report.endLine, FoldingRangeKind.Region);
    const trace = report.frames.filter((f) => f.role === 'trace');
    if (trace.length > 1) add(Math.max(report.line, trace[0].line - 1), trace[trace.length - 1].line);
    for (const block of report.blocks) add(block.line, block.endLine);
    // Register dumps: runs of consecutive lines that hold registers.
    const lines = [...new Set(report.registers.map((r) => r.line))].sort((a, b) => a - b);
    let runStart = -1;
    for (let k = 0; k < lines.length; k++) {
      if (runStart < 0) runStart = lines[k];
      if (k === lines.length - 1 || lines[k + 1] !== lines[k] + 1) {
        add(runStart, lines[k]);
        runStart = -1;
      }
    }
  }
  return out;
}
