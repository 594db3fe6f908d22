// Inlay hints: the hypercall after `hypercall_page+0x…` (the name is not in the log).
import { InlayHintKind, type InlayHint, type Range } from 'vscode-languageserver/node';
import { decodeHypercallPageOffset } from '../core/xen/hypercallPage';
import type { KernelLogAnalysis } from '../documents';
import { framesInLines } from './reportIndex';

export function kernelLogInlayHints(analysis: KernelLogAnalysis, range: Range): InlayHint[] {
  const out: InlayHint[] = [];
  for (const f of framesInLines(analysis.log, range.start.line, range.end.line)) {
    if (f.symbol !== 'hypercall_page' || f.offset === undefined) continue;
    const stub = decodeHypercallPageOffset(f.offset);
    if (!stub?.name) continue;
    out.push({
      position: { line: f.line, character: f.offEnd >= 0 ? f.offEnd : f.symEnd },
      label: ` ${stub.name}`,
      kind: InlayHintKind.Type,
      tooltip: `hypercall_page stub ${stub.number} = ${stub.macro}`,
      paddingLeft: true,
    });
  }
  return out;
}
