// One streaming pass records every window and every Nth record (offset, CPU, TSC), in typed
// arrays, so that record i or the first record at or after a TSC can be reached by binary
// search plus at most one sparse interval of decoding.
import { FeedStatus, MAX_RECORD, TraceFramer, type FramerSink, type TraceProblem, type WindowInfo } from './framer';
import type { PageReader } from './pageReader';
import { recordFromView, scanTrace } from './traceReader';
import type { TraceRecord } from './record';
import { SampleTable, WindowTable } from './indexTables';

/** Records per sample: a seek decodes at most this many records. */
export const DEFAULT_EVERY = 1024;
/** Problems kept in the index; the count goes on. */
const MAX_KEPT_PROBLEMS = 1000;

/**
 * Starting capacities for a file of `bytes`: room for as many samples and windows as the file can
 * hold (records are at least 4 bytes), capped. Large typed arrays are mapped zero pages that cost
 * nothing until written, so the room is free; growing by doubling instead copied every column
 * into fresh memory, and each fresh page is a page fault (10–14 µs on this VM). First build of
 * 1 GiB in a fresh process, 5 runs each: 5,850 → 5,390 minor faults (median); no wall-time
 * difference this noisy machine could show. The tables' storage is not zeroed either
 * (indexTables.ts), so smaller tables under glibc's mmap threshold cost no faults up front.
 */
function capacities(bytes: number, every: number): { global: number; windows: number } {
  const global = Math.min(Math.ceil(bytes / 4 / every) + 1, 1 << 20);
  return {
    global: Math.max(64, global),
    windows: Math.max(256, Math.min(Math.ceil(bytes / 4096) + 1, 1 << 16)),
  };
}

export interface TraceIndexStats {
  records: number;
  windows: number;
  problems: number;
  fileSize: number;
  cpus: number[];
}

export class SparseIndex {
  readonly every: number;
  records = 0;
  problemCount = 0;
  readonly problems: TraceProblem[] = [];
  fileSize = 0;
  ioError: string | undefined;
  private readonly windows: WindowTable;
  /** Every Nth record in file order. */
  private readonly global: SampleTable;
  /**
   * Per CPU, its windows in file order. With the global samples that fall in them, they are the
   * CPU's TSC seek points (a table of per-CPU samples duplicated the global ones: ~400 more fresh
   * pages, ~5 ms, to a fresh 1 GiB build).
   */
  private readonly cpuWindows = new Map<number, number[]>();

  /** `fileBytes`, when known, is the file's size and sizes the columns up front (see capacities). */
  constructor(every = DEFAULT_EVERY, fileBytes = 0) {
    this.every = Math.max(1, every);
    this.fileSize = fileBytes;
    const cap = capacities(fileBytes, this.every);
    this.windows = new WindowTable(cap.windows);
    this.global = new SampleTable(cap.global);
  }

  get windowCount(): number {
    return this.windows.length;
  }

  window(w: number): WindowInfo {
    const t = this.windows;
    return {
      index: w,
      offset: t.offset[w]!,
      cpu: t.cpu[w]!,
      length: t.bytes[w]!,
      firstRecord: t.firstRecord[w]!,
      tscHi: t.tscHi[w]!,
      tscLo: t.tscLo[w]!,
      tscKnown: t.known[w] === 1,
    };
  }

  cpus(): number[] {
    return [...this.cpuWindows.keys()].sort((a, b) => a - b);
  }

  /** Window indices of one CPU, in file order. */
  windowsOf(cpu: number): number[] {
    return [...(this.cpuWindows.get(cpu) ?? [])];
  }

  /** Records in window `w` (the next window's first record, or the end, minus its first). */
  private recordsIn(w: number): number {
    const t = this.windows;
    return (w + 1 < t.length ? t.firstRecord[w + 1]! : this.records) - t.firstRecord[w]!;
  }

  /**
   * Sink that fills the index; exposed so one pass can also feed statistics. It takes the index
   * pass's samples through onSample unless `next` wants views (has onRecord only).
   */
  sink(next?: FramerSink): FramerSink {
    // The framer also shows each window's first record; only every Nth record is kept.
    const sample = (offset: number, index: number, windowIndex: number, hi: number, lo: number, known: boolean): void => {
      if (index % this.every === 0) this.global.push(offset, index, windowIndex, hi, lo, known);
      this.records = index + 1;
    };
    const sink: FramerSink = {
      onWindow: (w) => {
        this.windows.push(w.offset, w.cpu, w.length, w.firstRecord, w.tscHi, w.tscLo, w.tscKnown);
        const mine = this.cpuWindows.get(w.cpu);
        if (mine) mine.push(w.index);
        else this.cpuWindows.set(w.cpu, [w.index]);
        next?.onWindow?.(w);
      },
      onProblem: (p) => {
        this.problemCount++;
        if (this.problems.length < MAX_KEPT_PROBLEMS) this.problems.push(p);
        next?.onProblem?.(p);
      },
      onRecord: (v) => {
        sample(v.offset, v.index, v.windowIndex, v.tscHi, v.tscLo, v.tscKnown);
        return next ? next.onRecord(v) : true;
      },
    };
    if (!next || next.onSample) {
      sink.onSample = (offset, index, windowIndex, cpu, hi, lo, known) => {
        sample(offset, index, windowIndex, hi, lo, known);
        return next?.onSample ? next.onSample(offset, index, windowIndex, cpu, hi, lo, known) : true;
      };
    }
    return sink;
  }

  /** A framer positioned at the sample at or before record `i`, plus how many records to skip. */
  framerForRecord(i: number, sink: FramerSink): { framer: TraceFramer; skip: number } | undefined {
    if (i < 0 || i >= this.records || this.global.length === 0) return undefined;
    const k = Math.min(Math.floor(i / this.every), this.global.length - 1);
    return { framer: this.framerAt(this.global, k, sink), skip: i - this.global.record[k]! };
  }

  private framerAt(s: SampleTable, k: number, sink: FramerSink): TraceFramer {
    const withWindows: FramerSink = {
      ...sink,
      windowTsc: (w) => (w < this.windowCount ? { hi: this.windows.tscHi[w]!, lo: this.windows.tscLo[w]!, known: this.windows.known[w] === 1 } : undefined),
    };
    const framer = new TraceFramer(withWindows);
    const at = sampleAt(s, k);
    framer.seekRecord({ ...at, recordIndex: at.record, window: this.window(at.window), tscKnown: at.known });
    return framer;
  }

  /**
   * For one CPU, where to start looking for its first record with TSC >= `tsc`: the last of its
   * seek points whose TSC is below it (or the first). Its seek points are the start of each of its
   * windows (with the TSC state the window opens with) and the global samples in
   * those windows. A CPU's TSCs only go up in file order, so that is the last window that
   * opens below `tsc`, then the last sample in it below `tsc`, if any. Undefined: no windows.
   */
  cpuStartForTsc(cpu: number, tsc: bigint): SamplePoint | undefined {
    const wins = this.cpuWindows.get(cpu);
    if (!wins) return undefined;
    const hiW = Number(tsc >> 32n);
    const loW = Number(tsc & 0xffffffffn);
    const below = (known: number, hi: number, lo: number) => known !== 1 || hi < hiW || (hi === hiW && lo < loW);
    const t = this.windows;
    // (An empty window is a start like another: the reader moves on to the CPU's next window.)
    const w = wins[lastBelow(wins.length, (j) => below(t.known[wins[j]!]!, t.tscHi[wins[j]!]!, t.tscLo[wins[j]!]!))]!;
    // The global samples in window w: records firstRecord … firstRecord + count − 1.
    const g = this.global;
    const first = Math.ceil(t.firstRecord[w]! / this.every);
    const last = Math.min(Math.floor((t.firstRecord[w]! + this.recordsIn(w) - 1) / this.every), g.length - 1);
    if (first <= last && below(g.known[first]!, g.tscHi[first]!, g.tscLo[first]!)) {
      return sampleAt(g, first + lastBelow(last - first + 1, (k) => below(g.known[first + k]!, g.tscHi[first + k]!, g.tscLo[first + k]!)));
    }
    return { window: w, offset: t.offset[w]! + 12, record: t.firstRecord[w]!, tscHi: t.tscHi[w]!, tscLo: t.tscLo[w]!, known: t.known[w] === 1 };
  }

  stats(): TraceIndexStats {
    return { records: this.records, windows: this.windowCount, problems: this.problemCount, fileSize: this.fileSize, cpus: this.cpus() };
  }
}

/** A sampled record: where it is and the TSC state of its CPU there. */
export interface SamplePoint {
  window: number;
  offset: number;
  record: number;
  tscHi: number;
  tscLo: number;
  known: boolean;
}

/** The last k in 0 … n−1 with isBelow(k), for a predicate true then false; 0 when none is. */
function lastBelow(n: number, isBelow: (k: number) => boolean): number {
  let lo = 0;
  let hi = n - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (isBelow(mid)) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

function sampleAt(s: SampleTable, k: number): SamplePoint {
  return {
    window: s.window[k]!,
    offset: s.offset[k]!,
    record: s.record[k]!,
    tscHi: s.tscHi[k]!,
    tscLo: s.tscLo[k]!,
    known: s.known[k] === 1,
  };
}

/** Builds the index in one streaming pass. `also` sees every record too (e.g. statistics). */
export async function buildIndex(
  reader: PageReader,
  options: { every?: number; also?: FramerSink; onProgress?: (offset: number) => void } = {},
): Promise<SparseIndex> {
  const index = new SparseIndex(options.every, reader.size);
  const sink = index.sink(options.also);
  const framer = new TraceFramer(sink);
  // Without another consumer, only the samples need to reach the sink, and whole windows can be
  // listed by the kernel CHAINS at a time.
  if (!options.also) {
    framer.sampleEvery = index.every;
    framer.listWindows = true;
  }
  const summary = await scanTrace(reader, sink, { onProgress: options.onProgress, framer });
  index.records = framer.recordIndex;
  index.ioError = summary.ioError;
  return index;
}

/** Records i … i+count−1 in file order (fewer at the end). */
export async function readRecordsAt(reader: PageReader, index: SparseIndex, i: number, count = 1): Promise<TraceRecord[]> {
  const out: TraceRecord[] = [];
  let skip = 0;
  const sink: FramerSink = {
    onRecord: (v) => {
      if (skip > 0) {
        skip--;
        return true;
      }
      out.push(recordFromView(v));
      return out.length < count;
    },
  };
  const start = index.framerForRecord(i, sink);
  if (!start) return out;
  skip = start.skip;
  const framer = start.framer;
  try {
    for (;;) {
      const chunk = await reader.chunkAt(framer.pos, MAX_RECORD);
      const status = framer.feed(chunk.buf, chunk.base, chunk.eof);
      if (status !== FeedStatus.NeedMore) break;
    }
  } catch {
    // An I/O error ends the read; the caller gets the records read so far.
  }
  return out;
}
