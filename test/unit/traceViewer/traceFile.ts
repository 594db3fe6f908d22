// A small trace written from the format definition (through test/xentrace-gen), with the
// facts the viewer tests check spelled out next to the records that make them true.
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceBuilder, type WrittenRecord } from '../../xentrace-gen/traceWriter';

export const SWITCH = 0x0002800a; // TRC_SCHED_SWITCH: prev_dom, prev_vcpu, next_dom, next_vcpu
export const VMENTRY = 0x00081001; // TRC_HVM_VMENTRY, no payload
export const INJ_VIRQ = 0x00082004; // TRC_HVM_INJ_VIRQ: vector, fake
export const PM_IDLE_ENTRY = 0x00801002; // TRC_PM_IDLE_ENTRY (class TRC_HW)

export interface TestTrace {
  path: string;
  buf: Buffer;
  written: WrittenRecord[];
  /** dom/vcpu running on the record's CPU when it was written (-1 before any switch). */
  running: { dom: number; vcpu: number }[];
}

/**
 * `windows` windows over 3 CPUs, each: an INJ_VIRQ without TSC, a SWITCH to d(w%4) v(w%3), then
 * VMENTRY / PM_IDLE_ENTRY records with rising TSCs (CPU c's TSCs are 1000·k + c, so CPUs
 * interleave in time), and a 12-byte WRAP_BUFFER pad that is not a record.
 */
export function writeTestTrace(windows = 30, perWindow = 40): TestTrace {
  const b = new TraceBuilder();
  const running: { dom: number; vcpu: number }[] = [];
  const state = new Map<number, { dom: number; vcpu: number }>();
  const tick = [0, 0, 0];
  for (let w = 0; w < windows; w++) {
    const cpu = w % 3;
    b.window(cpu);
    const push = (event: number, words: number[], tsc?: bigint) => {
      running.push(state.get(cpu) ?? { dom: -1, vcpu: -1 });
      b.record(event, words, tsc);
    };
    push(INJ_VIRQ, [0x20 + w, 0]);
    const tsc = () => BigInt(1000 * ++tick[cpu]! + cpu);
    push(SWITCH, [0x7fff, 0, w % 4, w % 3], tsc());
    state.set(cpu, { dom: w % 4, vcpu: w % 3 });
    for (let k = 0; k < perWindow; k++) {
      if (k === 5) b.wrap(12);
      if (k % 2 === 0) push(VMENTRY, [], tsc());
      else push(PM_IDLE_ENTRY, [1, k, 100, 90], tsc());
    }
  }
  const buf = b.toBuffer();
  const dir = mkdtempSync(join(tmpdir(), 'xenscope-viewer-'));
  const path = join(dir, 'test.xentrace');
  writeFileSync(path, buf);
  return { path, buf, written: b.written, running };
}

/** TSC each written record has: its own, or the last one its CPU wrote (null before any). */
export function effectiveTscs(written: WrittenRecord[]): (bigint | null)[] {
  const last = new Map<number, bigint>();
  return written.map((r) => {
    if (r.tsc !== undefined) last.set(r.cpu, r.tsc);
    return last.get(r.cpu) ?? null;
  });
}
