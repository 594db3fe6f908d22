// Time order: one cursor per CPU reads that CPU's windows (skipping the others'), and a k-way
// merge by TSC picks the earliest head, as xenalyze does. Records without a TSC on a CPU that
// has seen none yet sort first; ties go to the lower CPU, then to file order.
import { FeedStatus, MAX_RECORD, TraceFramer, type FramerSink } from './framer';
import { PageReader } from './pageReader';
import type { SparseIndex } from './sparseIndex';
import { TraceRecord } from './record';
import { EVENT_MASK, EXTRA_MAX } from './eventIds';

const BATCH = 512;

/**
 * One CPU's next records, in columns: the merge compares and steps over them without an object per
 * record, and a TraceRecord is made only for a record someone wants (a parallel dump's worker
 * formats one block in N, and a filtered dump few records).
 */
class CpuCursor {
  private n = 0;
  private at = 0;
  private readonly hi = new Uint32Array(BATCH);
  private readonly lo = new Uint32Array(BATCH);
  /** Bit 0: a TSC is known; bit 1: it is inherited (the record has none of its own). */
  private readonly flags = new Uint8Array(BATCH);
  private readonly index = new Float64Array(BATCH);
  private readonly offset = new Float64Array(BATCH);
  private readonly header = new Uint32Array(BATCH);
  private readonly words = new Uint32Array(BATCH * EXTRA_MAX);
  private w = 0;
  private readonly framer: TraceFramer;
  private done = false;
  private skipBelow: bigint | undefined;
  /** Bounds of the window being read, from the index. */
  private winStart = 0;
  private winEnd = 0;
  /** Set when a corrupt window made the framer wander out of it (resync into another window). */
  private leftWindow = false;

  constructor(
    private readonly reader: PageReader,
    private readonly trace: SparseIndex,
    private readonly windows: number[],
    readonly cpu: number,
  ) {
    const sink: FramerSink = {
      onRecord: (v) => {
        if (v.cpu !== this.cpu || v.offset < this.winStart || v.offset >= this.winEnd) {
          this.leftWindow = true;
          return false;
        }
        if (this.skipBelow !== undefined) {
          if (!v.tscKnown || ((BigInt(v.tscHi) << 32n) | BigInt(v.tscLo)) < this.skipBelow) return true;
          this.skipBelow = undefined;
        }
        const k = this.n++;
        this.hi[k] = v.tscHi;
        this.lo[k] = v.tscLo;
        this.flags[k] = (v.tscKnown ? 1 : 0) | (v.tscKnown && !v.hasTsc ? 2 : 0);
        this.index[k] = v.index;
        this.offset[k] = v.offset;
        this.header[k] = v.header;
        for (let j = 0; j < v.nWords; j++) this.words[k * EXTRA_MAX + j] = v.buf.readUInt32LE(v.payloadAt + 4 * j);
        return this.n < BATCH;
      },
    };
    this.framer = new TraceFramer(sink);
    this.framer.stopAtWindowEnd = true;
  }

  /** Positions at the first window, or at the first record with TSC >= `from`. */
  async start(from?: bigint): Promise<void> {
    if (this.windows.length === 0) {
      this.done = true;
      return;
    }
    if (from === undefined) {
      this.enter(0);
      this.framer.seekWindow(this.trace.window(this.windows[0]!));
    } else {
      const s = this.trace.cpuStartForTsc(this.cpu, from);
      if (!s) {
        this.done = true;
        return;
      }
      this.enter(this.windows.indexOf(s.window));
      this.framer.seekRecord({ offset: s.offset, recordIndex: s.record, window: this.trace.window(s.window), tscHi: s.tscHi, tscLo: s.tscLo, tscKnown: s.known });
      this.skipBelow = from;
    }
    await this.fill();
  }

  private enter(w: number): void {
    const win = this.trace.window(this.windows[w]!);
    this.w = w;
    this.winStart = win.offset;
    this.winEnd = win.offset + 12 + win.length;
    this.leftWindow = false;
  }

  /** A record is at the head (false once this CPU is used up). */
  get live(): boolean {
    return this.at < this.n;
  }

  // The head record's fields.
  get tscKnown(): boolean {
    return (this.flags[this.at]! & 1) !== 0;
  }
  get tscHi(): number {
    return this.hi[this.at]!;
  }
  get tscLo(): number {
    return this.lo[this.at]!;
  }
  get event(): number {
    return this.header[this.at]! & EVENT_MASK;
  }

  /** The head as a TraceRecord (a new object each call). */
  record(): TraceRecord {
    const k = this.at;
    const h = this.header[k]!;
    const extra = new Array<number>((h >>> 28) & 7);
    for (let j = 0; j < extra.length; j++) extra[j] = this.words[k * EXTRA_MAX + j]!;
    const f = this.flags[k]!;
    return new TraceRecord(this.index[k]!, this.offset[k]!, this.cpu, h, this.hi[k]!, this.lo[k]!, (f & 1) !== 0, (f & 2) !== 0, extra);
  }

  /** True when the head comes before `o`'s head in time order (see compareTime). */
  before(o: CpuCursor): boolean {
    const a = this.at, b = o.at;
    const fa = this.flags[a]! & 1, fb = o.flags[b]! & 1;
    if (fa !== fb) return fa < fb;
    if (fa === 1) {
      if (this.hi[a] !== o.hi[b]) return this.hi[a]! < o.hi[b]!;
      if (this.lo[a] !== o.lo[b]) return this.lo[a]! < o.lo[b]!;
    }
    if (this.cpu !== o.cpu) return this.cpu < o.cpu;
    return this.index[a]! < o.index[b]!;
  }

  /** Moves to the next record of the batch; false when the batch is used up (then `fill`). */
  step(): boolean {
    return ++this.at < this.n;
  }

  /** Loads the next batch of this CPU's records (none at the end). */
  async fill(): Promise<void> {
    this.n = 0;
    this.at = 0;
    while (!this.done && this.n === 0) {
      let status: FeedStatus;
      try {
        const chunk = await this.reader.chunkAt(this.framer.pos, MAX_RECORD);
        status = this.framer.feed(chunk.buf, chunk.base, chunk.eof);
      } catch {
        status = FeedStatus.Done;
      }
      if (status === FeedStatus.WindowEnd || status === FeedStatus.Done || this.leftWindow) {
        if (this.w + 1 >= this.windows.length) this.done = true;
        else {
          this.enter(this.w + 1);
          this.framer.seekWindow(this.trace.window(this.windows[this.w]!));
        }
        continue;
      }
      if (status === FeedStatus.Paused) break;
    }
  }
}

/** The record at the head of the merge, as `TimeMerge.run` shows it to its visitor. */
export type TimeHead = Pick<CpuCursor, 'cpu' | 'tscKnown' | 'tscHi' | 'tscLo' | 'event' | 'record'>;

/**
 * The k-way merge of the CPUs by TSC. Opens one reader per CPU on the trace (each with a small
 * chunk), so memory is bounded by CPUs × chunk size. With `fromTsc`, starts at the first record at
 * or after it. `run` shows records to a visitor until it asks to stop; `close` when done.
 */
export class TimeMerge {
  private readonly readers: PageReader[] = [];
  /** Binary min-heap of the cursors by their head record. */
  private heap: CpuCursor[] = [];

  private constructor() {}

  static async open(path: string, index: SparseIndex, options: TimeOrderOptions = {}): Promise<TimeMerge> {
    const merge = new TimeMerge();
    const cpus = (options.cpus ?? index.cpus()).filter((c) => index.cpus().includes(c));
    for (const cpu of cpus) {
      const reader = await PageReader.open(path, options.chunkSize ?? 1 << 18);
      if (!(reader instanceof PageReader)) {
        // Unreadable now (it was indexed): no records rather than some CPUs' records.
        merge.heap = [];
        break;
      }
      merge.readers.push(reader);
      const cursor = new CpuCursor(reader, index, index.windowsOf(cpu), cpu);
      await cursor.start(options.fromTsc);
      if (cursor.live) merge.heap.push(cursor);
    }
    for (let i = (merge.heap.length >>> 1) - 1; i >= 0; i--) merge.down(i);
    return merge;
  }

  private down(i: number): void {
    const heap = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && heap[l]!.before(heap[m]!)) m = l;
      if (r < heap.length && heap[r]!.before(heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  }

  /**
   * Shows each record in time order to `visit` (valid only during the call) until the records end
   * (then false) or `visit` returns false: then that record was not taken, the next run shows it
   * again, and this one returns true. Awaits only when a CPU's cursor reads its next batch (one
   * await per record cost a dump most of its time).
   */
  async run(visit: (head: TimeHead) => boolean): Promise<boolean> {
    const heap = this.heap;
    while (heap.length > 0) {
      const top = heap[0]!;
      if (!visit(top)) return true;
      if (!top.step()) await top.fill();
      if (!top.live) {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
      }
      if (heap.length > 0) this.down(0);
    }
    return false;
  }

  async close(): Promise<void> {
    for (const r of this.readers.splice(0)) await r.close();
  }

  /**
   * Opens a merge, shows every record to `visit` (see run), awaits `onStop` each time `visit`
   * declines one before showing it again, and closes the merge.
   */
  static async visitAll(path: string, index: SparseIndex, options: TimeOrderOptions, visit: (head: TimeHead) => boolean, onStop: () => Promise<void> | void): Promise<void> {
    const merge = await TimeMerge.open(path, index, options);
    try {
      while (await merge.run(visit)) await onStop();
    } finally {
      await merge.close();
    }
  }
}

/** Negative when `a` comes before `b` in time order. */
export function compareTime(a: TraceRecord, b: TraceRecord): number {
  if (a.tscKnown !== b.tscKnown) return a.tscKnown ? 1 : -1;
  if (a.tscKnown) {
    if (a.tscHi !== b.tscHi) return a.tscHi - b.tscHi;
    if (a.tscLo !== b.tscLo) return a.tscLo - b.tscLo;
  }
  if (a.cpu !== b.cpu) return a.cpu - b.cpu;
  return a.i - b.i;
}

export interface TimeOrderOptions {
  fromTsc?: bigint;
  cpus?: number[];
  chunkSize?: number;
}

/**
 * Records in time order, one at a time (see `timeOrderedBatches`). Batches are small here: callers
 * that take a few records (the viewer's rows, a jump to a TSC) stop early.
 */
export async function* timeOrdered(path: string, index: SparseIndex, options: TimeOrderOptions = {}): AsyncGenerator<TraceRecord> {
  for await (const batch of timeOrderedBatches(path, index, { batch: 64, ...options })) yield* batch;
}

/** Records in time order (see TimeMerge), in batches of up to `batch`. */
export async function* timeOrderedBatches(
  path: string,
  index: SparseIndex,
  options: TimeOrderOptions & { batch?: number } = {},
): AsyncGenerator<TraceRecord[]> {
  const batchSize = Math.max(1, options.batch ?? 4096);
  const merge = await TimeMerge.open(path, index, options);
  try {
    let out: TraceRecord[] = [];
    const take = (h: TimeHead) => out.length < batchSize && out.push(h.record()) > 0;
    for (let more = true; more; ) {
      more = await merge.run(take);
      if (out.length > 0) yield out;
      out = [];
    }
  } finally {
    await merge.close();
  }
}

/** The first record (in time order) whose TSC is at or after `tsc`. */
export async function firstRecordAtOrAfter(path: string, index: SparseIndex, tsc: bigint): Promise<TraceRecord | undefined> {
  for await (const r of timeOrdered(path, index, { fromTsc: tsc })) return r;
  return undefined;
}
