// Whole synthetic traces: a mixed workload of realistic records over several CPUs, with lost
// records, wrap padding of every size, TSC-less records, and optionally a truncated tail or
// random corruption; plus a streaming writer for large files (the benchmark).
import { open } from 'node:fs/promises';
import { prng, recordBytes, TraceBuilder, wrapPad, cpuChange, type WrittenRecord } from './traceWriter';

export interface SyntheticOptions {
  seed?: number;
  cpus?: number;
  windows?: number;
  recordsPerWindow?: number;
}

/** A record mix like a busy HVM + PV host: [event, words, has TSC]. */
function mix(rand: () => number, tsc: bigint): { event: number; words: number[]; tsc?: bigint } {
  const w = () => Math.floor(rand() * 0x100000000) >>> 0;
  const pick = Math.floor(rand() * 10);
  switch (pick) {
    case 0:
      return { event: 0x00081102, words: [1, 0x8c0043b9, 0xffffffff], tsc }; // VMX_EXIT64 EXTERNAL_INTERRUPT
    case 1:
      return { event: 0x00081001, words: [], tsc }; // VMENTRY
    case 2:
      return { event: 0x00082004, words: [0xf3, 0] }; // INJ_VIRQ, no TSC
    case 3:
      return { event: 0x00021021, words: [0x00000002], tsc }; // d0v2 running→blocked
    case 4:
      return { event: 0x0002800a, words: [0, 2, 0x7fff, 0], tsc }; // SWITCH
    case 5:
      return { event: 0x0020100d, words: [0x0010001d, 1], tsc }; // HYPERCALL_V2 sched_op block
    case 6:
      return { event: 0x00201104, words: [w(), 0xffffffff, 0x1000, 0x7f00, 6], tsc }; // PV PAGE_FAULT 64
    case 7:
      return { event: 0x0010f004, words: [w(), 0, w(), 0, 0, 0x00000001] }; // SET_P2M_ENTRY, no TSC
    case 8:
      return { event: 0x0002220c, words: [119313, 0, 119313, 0, 0x12000002, 0xffff8301], tsc }; // credit2 runq load
    default:
      return { event: 0x00801002, words: [1, w(), 100, 90], tsc }; // PM_IDLE_ENTRY
  }
}

/** A small trace with every feature the reader must handle, and what was written. */
export function syntheticTrace(options: SyntheticOptions = {}): { buf: Buffer; written: WrittenRecord[] } {
  const rand = prng(options.seed ?? 1);
  const cpus = options.cpus ?? 4;
  const b = new TraceBuilder();
  const tscs = Array.from({ length: cpus }, (_, c) => 1_000_000n + BigInt(c) * 7n);
  for (let k = 0; k < (options.windows ?? 40); k++) {
    const cpu = k % cpus;
    b.window(cpu);
    // A CPU's first window starts with a TSC-less record: it has no TSC to inherit yet.
    if (k < cpus) b.record(0x00082004, [0x20, 0]);
    for (let r = 0; r < (options.recordsPerWindow ?? 50); r++) {
      tscs[cpu]! += BigInt(1 + Math.floor(rand() * 5000));
      const m = mix(rand, tscs[cpu]!);
      b.record(m.event, m.words, m.tsc);
      if (r === 20) b.wrap(4 + 4 * (k % 10)); // pads of 4…40 bytes
    }
    if (k % 7 === 3) {
      tscs[cpu]! += 10n;
      b.record(0x0001f001, [5 + k, 0x00020001, Number(tscs[cpu]! & 0xffffffffn) - 5, 0], tscs[cpu]!);
    }
  }
  return { buf: b.toBuffer(), written: b.written };
}

/**
 * Streams a large synthetic trace to `path` (at least `bytes` long) without holding it in memory.
 * A set of 128 KiB windows is generated once and written over and over, each pass moving every
 * TSC forward so time still advances per CPU. Returns the number of records written.
 */
export async function writeLargeTrace(path: string, bytes: number, seed = 7, cpus = 8): Promise<{ records: number; bytes: number }> {
  const rand = prng(seed);
  const tscs = Array.from({ length: cpus }, () => 5_000_000_000n);
  const templates: { buf: Buffer; tscAt: number[]; records: number }[] = [];
  for (let k = 0; k < cpus * 4; k++) {
    const cpu = k % cpus;
    const parts: Buffer[] = [];
    const tscAt: number[] = [];
    let body = 12;
    let records = 0;
    // Windows of ~128 KiB, the default per-CPU buffer.
    while (body < 128 * 1024 - 64) {
      tscs[cpu]! += BigInt(1 + Math.floor(rand() * 3000));
      const m = mix(rand, tscs[cpu]!);
      const rb = recordBytes(m.event, m.words, m.tsc);
      if (m.tsc !== undefined) tscAt.push(body + 4);
      parts.push(rb);
      body += rb.length;
      records++;
    }
    parts.push(wrapPad(8));
    const payload = Buffer.concat(parts);
    templates.push({ buf: Buffer.concat([cpuChange(cpu, payload.length), payload]), tscAt, records });
  }
  // Each pass adds the TSC span of one pass (rounded up) to every TSC.
  const span = tscs.reduce((a, b) => (a > b ? a : b)) - 5_000_000_000n + 1n;
  const fh = await open(path, 'w');
  let written = 0;
  let records = 0;
  try {
    for (let pass = 0n; written < bytes; pass++) {
      const shift = pass * span;
      for (const t of templates) {
        const out = Buffer.from(t.buf);
        for (const at of t.tscAt) {
          const v = out.readBigUInt64LE(at) + shift;
          out.writeBigUInt64LE(v, at);
        }
        await fh.write(out, 0, out.length, written);
        written += out.length;
        records += t.records;
        if (written >= bytes) break;
      }
    }
  } finally {
    await fh.close();
  }
  return { records, bytes: written };
}
