// The sparse index's rows, held column by column in typed arrays with one length per table: a
// row is one capacity check and a store per column. (Six columns that each checked and grew on
// their own made the index pass's sample path a large graph: TurboFan took ~25 ms to compile it
// in a fresh process, and the first part of the pass ran unoptimised meanwhile.)

/**
 * Storage is malloc'd, not zeroed: a table is read only below its length, which it wrote. Zeroed
 * typed arrays under glibc's mmap threshold come from the heap and are cleared whole, a page
 * fault per page (~11 µs each on this VM, measured touching 64 MiB page by page: 16,400 faults
 * in 170–200 ms); malloc'd ones fault only where they are written.
 */
function storage(bytes: number): ArrayBuffer {
  const b = Buffer.allocUnsafeSlow(bytes);
  // allocUnsafeSlow gives a Buffer of its own ArrayBuffer, from offset 0 (so 8-byte aligned).
  return b.buffer as ArrayBuffer;
}
const f64 = (n: number) => new Float64Array(storage(8 * n), 0, n);
const u32 = (n: number) => new Uint32Array(storage(4 * n), 0, n);
const u8 = (n: number) => new Uint8Array(storage(n), 0, n);

function grown<T extends Float64Array | Uint32Array | Uint8Array>(a: T, make: (n: number) => T, length: number): T {
  const bigger = make(a.length * 2);
  bigger.set(a.subarray(0, length));
  return bigger;
}

/** Sampled records: where each is and its CPU's TSC state there. */
export class SampleTable {
  length = 0;
  offset: Float64Array;
  record: Float64Array;
  window: Uint32Array;
  tscHi: Uint32Array;
  tscLo: Uint32Array;
  /** 1 when a TSC (own or inherited) is known. */
  known: Uint8Array;

  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.offset = f64(n);
    this.record = f64(n);
    this.window = u32(n);
    this.tscHi = u32(n);
    this.tscLo = u32(n);
    this.known = u8(n);
  }

  push(offset: number, record: number, window: number, hi: number, lo: number, known: boolean): void {
    const k = this.length;
    if (k === this.known.length) this.grow();
    this.offset[k] = offset;
    this.record[k] = record;
    this.window[k] = window;
    this.tscHi[k] = hi;
    this.tscLo[k] = lo;
    this.known[k] = known ? 1 : 0;
    this.length = k + 1;
  }

  private grow(): void {
    const n = this.length;
    this.offset = grown(this.offset, f64, n);
    this.record = grown(this.record, f64, n);
    this.window = grown(this.window, u32, n);
    this.tscHi = grown(this.tscHi, u32, n);
    this.tscLo = grown(this.tscLo, u32, n);
    this.known = grown(this.known, u8, n);
  }
}

/** CPU windows: where each opens, its CPU and length, and its CPU's TSC state when it opens. */
export class WindowTable {
  length = 0;
  offset: Float64Array;
  cpu: Uint32Array;
  /** Declared body length in bytes. */
  bytes: Float64Array;
  firstRecord: Float64Array;
  tscHi: Uint32Array;
  tscLo: Uint32Array;
  known: Uint8Array;

  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.offset = f64(n);
    this.cpu = u32(n);
    this.bytes = f64(n);
    this.firstRecord = f64(n);
    this.tscHi = u32(n);
    this.tscLo = u32(n);
    this.known = u8(n);
  }

  push(offset: number, cpu: number, bytes: number, firstRecord: number, hi: number, lo: number, known: boolean): void {
    const k = this.length;
    if (k === this.known.length) this.grow();
    this.offset[k] = offset;
    this.cpu[k] = cpu;
    this.bytes[k] = bytes;
    this.firstRecord[k] = firstRecord;
    this.tscHi[k] = hi;
    this.tscLo[k] = lo;
    this.known[k] = known ? 1 : 0;
    this.length = k + 1;
  }

  private grow(): void {
    const n = this.length;
    this.offset = grown(this.offset, f64, n);
    this.cpu = grown(this.cpu, u32, n);
    this.bytes = grown(this.bytes, f64, n);
    this.firstRecord = grown(this.firstRecord, f64, n);
    this.tscHi = grown(this.tscHi, u32, n);
    this.tscLo = grown(this.tscLo, u32, n);
    this.known = grown(this.known, u8, n);
  }
}
