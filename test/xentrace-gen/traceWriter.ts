// Synthetic xentrace files, written from the format definition (trace.h t_rec, xentrace.c
// windows), independent of the decoder: every generated record is also returned as "what was
// written", so tests compare the reader's output with the generator's intent.

export interface WrittenRecord {
  cpu: number;
  offset: number;
  event: number;
  words: number[];
  /** The record's own TSC, or undefined. */
  tsc?: bigint;
}

/** One record's bytes: header, optional TSC (lo, hi), payload words, little-endian. */
export function recordBytes(event: number, words: readonly number[], tsc?: bigint): Buffer {
  if (words.length > 7) throw new Error('at most 7 payload words');
  const size = 4 + (tsc === undefined ? 0 : 8) + 4 * words.length;
  const b = Buffer.alloc(size);
  const header = ((event & 0x0fffffff) | (words.length << 28) | (tsc === undefined ? 0 : 0x80000000)) >>> 0;
  b.writeUInt32LE(header, 0);
  let at = 4;
  if (tsc !== undefined) {
    b.writeUInt32LE(Number(tsc & 0xffffffffn), 4);
    b.writeUInt32LE(Number((tsc >> 32n) & 0xffffffffn), 8);
    at = 12;
  }
  for (const w of words) {
    b.writeUInt32LE(w >>> 0, at);
    at += 4;
  }
  return b;
}

/** The 12-byte CPU_CHANGE record xentrace writes before each window. */
export function cpuChange(cpu: number, windowBytes: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(0x2001f003, 0);
  b.writeUInt32LE(cpu >>> 0, 4);
  b.writeUInt32LE(windowBytes >>> 0, 8);
  return b;
}

/** A WRAP_BUFFER pad of `bytes` (4…40) filled with stale-looking words. */
export function wrapPad(bytes: number, rubble = 0xdeadbeef): Buffer {
  const withTsc = bytes === 36 || bytes === 40 ? 8 : 0;
  const n = (bytes - 4 - withTsc) / 4;
  const words = Array.from({ length: n }, (_, k) => (rubble + k) >>> 0);
  return recordBytes(0x0001f002, words, withTsc ? 0x1234n : undefined);
}

/** Builds a trace window by window and remembers what it wrote. */
export class TraceBuilder {
  private readonly parts: Buffer[] = [];
  private size = 0;
  readonly written: WrittenRecord[] = [];
  private pending: { cpu: number; parts: Buffer[]; recs: WrittenRecord[] } | undefined;

  window(cpu: number): this {
    this.endWindow();
    this.pending = { cpu, parts: [], recs: [] };
    return this;
  }

  record(event: number, words: readonly number[], tsc?: bigint): this {
    const p = this.pending;
    if (!p) throw new Error('record() before window()');
    const body = p.parts.reduce((n, b) => n + b.length, 0);
    const rec: WrittenRecord = { cpu: p.cpu, offset: this.size + 12 + body, event, words: [...words] };
    if (tsc !== undefined) rec.tsc = tsc;
    p.parts.push(recordBytes(event, words, tsc));
    p.recs.push(rec);
    return this;
  }

  wrap(bytes: number): this {
    this.pending?.parts.push(wrapPad(bytes));
    return this;
  }

  /** Raw bytes inside the current window (for corruption tests). */
  raw(b: Buffer): this {
    this.pending?.parts.push(b);
    return this;
  }

  endWindow(): this {
    const p = this.pending;
    if (!p) return this;
    const body = Buffer.concat(p.parts);
    this.parts.push(cpuChange(p.cpu, body.length), body);
    this.size += 12 + body.length;
    this.written.push(...p.recs);
    this.pending = undefined;
    return this;
  }

  toBuffer(): Buffer {
    this.endWindow();
    return Buffer.concat(this.parts);
  }
}

/** Deterministic PRNG (mulberry32) so generated traces are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
