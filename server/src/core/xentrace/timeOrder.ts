// Time order: one cursor per CPU reads that CPU's windows (skipping the others'), and a k-way
// merge by TSC picks the earliest head, as xenalyze does. Records without a TSC on a CPU that
// has seen none yet sort first; ties go to the lower CPU, then to file order.
import { FeedStatus, MAX_RECORD, TraceFramer, type FramerSink } from './framer';
import { PageReader } from './pageReader';
import type { SparseIndex } from './sparseIndex';
import { recordFromView } from './traceReader';
import type { TraceRecord } from './record';

const BATCH = 512;

class CpuCursor {
  private readonly batch: TraceRecord[] = [];
  private at = 0;
  private w = 0;
  private readonly framer: TraceFramer;
  private done = false;
  private skipBelow: bigint | undefined;
  /** Bounds and CPU of the window being read, from the index. */
  private winStart = 0;
  private winEnd = 0;
  private cpu = -1;
  /** Set when a corrupt window made the framer wander out of it (resync into another window). */
  private leftWindow = false;

  constructor(
    private readonly reader: PageReader,
    private readonly index: SparseIndex,
    private readonly windows: number[],
  ) {
    const sink: FramerSink = {
      onRecord: (v) => {
        if (v.cpu !== this.cpu || v.offset < this.winStart || v.offset >= this.winEnd) {
          this.leftWindow = true;
          return false;
        }
        const r = recordFromView(v);
        if (this.skipBelow !== undefined) {
          if (!r.tscKnown || r.tsc! < this.skipBelow) return true;
          this.skipBelow = undefined;
        }
        this.batch.push(r);
        return this.batch.length < BATCH;
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
      this.framer.seekWindow(this.index.window(this.windows[0]!));
    } else {
      const cpu = this.index.window(this.windows[0]!).cpu;
      const s = this.index.cpuStartForTsc(cpu, from);
      if (!s) {
        this.done = true;
        return;
      }
      this.enter(this.windows.indexOf(s.window));
      this.framer.seekRecord({ offset: s.offset, recordIndex: s.record, window: this.index.window(s.window), tscHi: s.tscHi, tscLo: s.tscLo, tscKnown: s.known });
      this.skipBelow = from;
    }
    await this.fill();
  }

  private enter(w: number): void {
    const win = this.index.window(this.windows[w]!);
    this.w = w;
    this.winStart = win.offset;
    this.winEnd = win.offset + 12 + win.length;
    this.cpu = win.cpu;
    this.leftWindow = false;
  }

  get head(): TraceRecord | undefined {
    return this.at < this.batch.length ? this.batch[this.at] : undefined;
  }

  /** Moves to the next record of the batch; false when the batch is used up (then `fill`). */
  step(): boolean {
    return ++this.at < this.batch.length;
  }

  /** Loads the next batch of this CPU's records (none at the end). */
  async fill(): Promise<void> {
    this.batch.length = 0;
    this.at = 0;
    while (!this.done && this.batch.length === 0) {
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
          this.framer.seekWindow(this.index.window(this.windows[this.w]!));
        }
        continue;
      }
      if (status === FeedStatus.Paused) break;
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

/**
 * Records in time order, in batches of up to `batch`: the merge runs without awaiting until a
 * CPU's cursor needs its next records (a dump of 11 M records spent most of its time in one
 * await per record otherwise). Opens one reader per CPU on `path` (each with a small chunk), so
 * memory is bounded by CPUs × chunk size. With `fromTsc`, starts at the first record at or after it.
 */
export async function* timeOrderedBatches(
  path: string,
  index: SparseIndex,
  options: TimeOrderOptions & { batch?: number } = {},
): AsyncGenerator<TraceRecord[]> {
  const batchSize = Math.max(1, options.batch ?? 4096);
  const cpus = (options.cpus ?? index.cpus()).filter((c) => index.cpus().includes(c));
  const readers: PageReader[] = [];
  try {
    const cursors: CpuCursor[] = [];
    for (const cpu of cpus) {
      const reader = await PageReader.open(path, options.chunkSize ?? 1 << 18);
      if (!(reader instanceof PageReader)) return;
      readers.push(reader);
      const cursor = new CpuCursor(reader, index, index.windowsOf(cpu));
      await cursor.start(options.fromTsc);
      if (cursor.head) cursors.push(cursor);
    }
    // Binary min-heap of cursors by their head record.
    const heap = cursors;
    const less = (x: number, y: number) => compareTime(heap[x]!.head!, heap[y]!.head!) < 0;
    const down = (i: number) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && less(l, m)) m = l;
        if (r < heap.length && less(r, m)) m = r;
        if (m === i) return;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    };
    for (let i = (heap.length >>> 1) - 1; i >= 0; i--) down(i);
    let out: TraceRecord[] = [];
    while (heap.length > 0) {
      const top = heap[0]!;
      out.push(top.head!);
      if (!top.step()) await top.fill();
      if (!top.head) {
        heap[0] = heap[heap.length - 1]!;
        heap.pop();
      }
      if (heap.length > 0) down(0);
      if (out.length >= batchSize) {
        yield out;
        out = [];
      }
    }
    if (out.length > 0) yield out;
  } finally {
    for (const r of readers) await r.close();
  }
}

/** The first record (in time order) whose TSC is at or after `tsc`. */
export async function firstRecordAtOrAfter(path: string, index: SparseIndex, tsc: bigint): Promise<TraceRecord | undefined> {
  for await (const r of timeOrdered(path, index, { fromTsc: tsc })) return r;
  return undefined;
}
