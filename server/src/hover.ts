import type { Hover, Position } from 'vscode-languageserver/node';
import { decodeHypercallPageOffset } from './core/xen/hypercallPage';

// `hypercall_page+0x22a/0x1000`, optionally prefixed `? ` by the unwinder.
const HYPERCALL_PAGE_FRAME = /\bhypercall_page\+0x([0-9a-f]+)(?:\/0x([0-9a-f]+))?/gi;

/** Hover for one line of a kernel log at `position` (LSP UTF-16 columns). */
export function hoverAt(lineText: string, position: Position): Hover | null {
  for (const match of lineText.matchAll(HYPERCALL_PAGE_FRAME)) {
    const start = match.index;
    const end = start + match[0].length;
    if (position.character < start || position.character > end) continue;
    const stub = decodeHypercallPageOffset(parseInt(match[1] ?? '', 16));
    if (!stub) return null;
    const lines = [
      `**hypercall_page** stub ${stub.number}: \`${stub.macro}\``,
      '',
      `Offset 0x${(stub.number * 32).toString(16)} + 0x${stub.offsetInStub.toString(16)}: ` +
        `each stub is 32 bytes, so the stub number is offset / 32 (Xen \`public/xen.h\`).`,
    ];
    if (stub.returnSiteOf) lines.push('', `The return address of a hypercall from a ${stub.returnSiteOf}.`);
    if (stub.name === 'sched_op') {
      lines.push('', 'A vCPU in `sched_op` is usually idle, blocked in the hypervisor until an event arrives.');
    }
    return {
      contents: { kind: 'markdown', value: lines.join('\n') },
      range: { start: { line: position.line, character: start }, end: { line: position.line, character: end } },
    };
  }
  return null;
}
