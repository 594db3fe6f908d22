// What a Xen-aware reader knows when looking at a frame or register line: the hypercall behind
// `hypercall_page+off` / `xen_hypercall_*`, what a PV segment selector means, and what the
// classic `raw_safe_halt → hypercall_page+0x3aa` lockup frame usually is.
import { decodeHypercallPageOffset, HYPERCALL_STUB_SIZE } from '../xen/hypercallPage';
import { hypercallMacro } from '../xen/hypercalls';
import type { Frame } from './frames';
import type { Report } from './reports';

/** x86 segment selectors seen in RIP:/CS/SS lines, and what they tell about the context. */
const SELECTORS: Readonly<Record<string, string>> = {
  '0010': 'kernel code segment (__KERNEL_CS): the CPU was in the kernel',
  '0018': 'kernel stack segment (__KERNEL_DS)',
  '0033': 'user code segment (__USER_CS, 64-bit): the CPU was in user space',
  '0023': 'user code segment (__USER32_CS): a 32-bit process',
  '002b': 'user stack segment (__USER_DS)',
  '0060': 'i386 kernel code segment (__KERNEL_CS)',
  '0073': 'i386 user code segment (__USER_CS)',
  e030: 'Xen 64-bit PV guest kernel code segment (FLAT_RING3_CS64 as seen by the guest kernel): this is a PV kernel running on Xen',
  e033: 'Xen 64-bit PV guest user code segment (FLAT_RING3_CS64): a user process in a PV guest',
  e02b: 'Xen 64-bit PV guest stack segment (FLAT_RING3_SS64)',
  e02d: 'Xen 64-bit PV guest stack segment (FLAT_RING3_DS64 variant)',
  e008: 'Xen hypervisor code segment (__HYPERVISOR_CS): the CPU was in Xen itself',
  e010: 'Xen hypervisor stack segment (__HYPERVISOR_DS)',
  e019: 'Xen 32-bit PV guest kernel code segment (FLAT_RING1_CS)',
  e021: 'Xen 32-bit PV guest kernel data segment (FLAT_RING1_DS)',
};

/** Meaning of a segment selector such as `e030`, or undefined for one not listed. */
export function explainSelector(selector: string): string | undefined {
  return SELECTORS[selector.toLowerCase()];
}

/** The hypercall a frame sits in, for `hypercall_page+off` and `xen_hypercall_<name>+off`. */
export function hypercallOfFrame(frame: Frame): string | undefined {
  if (frame.symbol === undefined) return undefined;
  if (frame.symbol === 'hypercall_page' && frame.offset !== undefined) {
    const stub = decodeHypercallPageOffset(frame.offset);
    if (!stub) return undefined;
    const where = stub.returnSiteOf ? ` (return address of a ${stub.returnSiteOf} stub)` : '';
    return `hypercall_page+0x${frame.offset.toString(16)} is stub ${stub.number} = ${stub.macro}` +
      ` (offset / ${HYPERCALL_STUB_SIZE})${where}`;
  }
  if (frame.symbol.startsWith('xen_hypercall_')) {
    const name = frame.symbol.slice('xen_hypercall_'.length);
    return `xen_hypercall_${name}: the stub of __HYPERVISOR_${name} in the hypercall page`;
  }
  return undefined;
}

const IDLE_FRAMES = new Set(['raw_safe_halt', 'xen_safe_halt', 'default_idle', 'cpu_idle', 'arch_cpu_idle', 'xen_idle']);
const SCHED_OP_STUB = 29;

/** Whether a frame is the `sched_op` hypercall stub (`hypercall_page+0x3aa` or `xen_hypercall_sched_op`). */
function isSchedOpFrame(f: Frame): boolean {
  if (f.symbol === 'xen_hypercall_sched_op') return true;
  return f.symbol === 'hypercall_page' && f.offset !== undefined &&
    decodeHypercallPageOffset(f.offset)?.number === SCHED_OP_STUB;
}

/** A note attached to a report, with the line it is about. */
export interface XenNote {
  line: number;
  message: string;
}

/** Xen notes for one report: idle `sched_op` lockups, hypercall stubs, PV selectors. */
export function xenNotesForReport(report: Report, lineText?: (line: number) => string): XenNote[] {
  const notes: XenNote[] = [];
  const frames = report.frames;
  for (let k = 0; k < frames.length; k++) {
    const f = frames[k];
    const hc = hypercallOfFrame(f);
    if (hc) notes.push({ line: f.line, message: hc });
    if (isSchedOpFrame(f)) {
      const caller = frames.slice(k + 1, k + 4).find((g) => g.symbol !== undefined && !isSchedOpFrame(g));
      if (caller && IDLE_FRAMES.has(caller.symbol!)) {
        notes.push({
          line: f.line,
          message: `${caller.symbol} → ${hypercallMacro(SCHED_OP_STUB)}: the vCPU was idle and blocked in Xen (SCHEDOP_block). ` +
            'A lockup reported here usually means this vCPU was not scheduled by Xen for a long time ' +
            '(an overcommitted or paused host, steal time), not that the guest kernel looped.',
        });
      }
    }
  }
  if (lineText) {
    const lines = new Set<number>();
    for (const f of frames) if (f.role === 'register' && f.register !== undefined && f.register.endsWith('IP')) lines.add(f.line);
    for (const r of report.registers) if (r.name === 'RSP' || r.name === 'ESP') lines.add(r.line);
    for (const line of lines) {
      for (const m of lineText(line).matchAll(/\b(RIP|RSP|EIP|ESP): {0,8}([0-9a-f]{4}):/g)) {
        const why = explainSelector(m[2]);
        if (why) notes.push({ line, message: `${m[1]} selector ${m[2]}: ${why}` });
      }
    }
  }
  return notes;
}
