// The hot path: splits bytes into CPU windows and records, with no allocation per record.
// It works on a chunk at a time and says where to continue, so the same code serves an
// in-memory buffer and a paged file. Problems are reported as data, never thrown.
import * as ids from './eventIds';
import { arenaOf, CHAINS, type SkipArena } from './skipKernel';

// Local copies: under a CommonJS transpile, imported bindings are property getters, which the
// per-record loop would otherwise call millions of times.
const CPU_CHANGE_HEADER = ids.CPU_CHANGE_HEADER;
const EVENT_MASK = ids.EVENT_MASK;
const TRC_TRACE_CPU_CHANGE = ids.TRC_TRACE_CPU_CHANGE;
const TRC_TRACE_WRAP_BUFFER = ids.TRC_TRACE_WRAP_BUFFER;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** A problem found in the input, with the byte offset where it was found. */
export interface TraceProblem {
  offset: number;
  kind: 'not-a-trace' | 'truncated' | 'corrupt-window' | 'impossible-record' | 'resync';
  message: string;
}

/** The record under the cursor. The same object is reused for every record: copy what you keep. */
export interface RecordView {
  index: number;
  offset: number;
  cpu: number;
  header: number;
  event: number;
  nWords: number;
  /** The record carries its own TSC. */
  hasTsc: boolean;
  tscHi: number;
  tscLo: number;
  /** A TSC (own or inherited) is known. */
  tscKnown: boolean;
  /** This CPU's TSC state before this record (differs from tsc* when the record has its own). */
  prevTscHi: number;
  prevTscLo: number;
  prevTscKnown: boolean;
  windowIndex: number;
  /** Buffer holding the record, and where its payload starts in it. */
  buf: Buffer;
  payloadAt: number;
}

export interface WindowInfo {
  index: number;
  /** Offset of the CPU_CHANGE record. */
  offset: number;
  cpu: number;
  /** Declared body length in bytes. */
  length: number;
  /** File-order index of the first record in this window. */
  firstRecord: number;
  /** TSC state of this CPU when the window opens (for inherited TSCs after a seek). */
  tscHi: number;
  tscLo: number;
  tscKnown: boolean;
}

export interface FramerSink {
  /** Return false to pause after this record; `feed` then returns and a later call resumes. */
  onRecord(view: RecordView): boolean | void;
  onWindow?(window: WindowInfo): void;
  onProblem?(problem: TraceProblem): void;
  /** After a seek: the TSC state a window's CPU had when the window opened, if an index knows it. */
  windowTsc?(windowIndex: number, cpu: number): { hi: number; lo: number; known: boolean } | undefined;
  /**
   * Index pass (listWindows): when present, each listed window's sampled records come here as
   * numbers instead of to onRecord. A smaller call than filling the view: the first windows of a
   * fresh process run it unoptimised. Return false to pause (at the end of the window).
   */
  onSample?(offset: number, index: number, windowIndex: number, cpu: number, tscHi: number, tscLo: number, tscKnown: boolean): boolean | void;
}

/** Arrays for a view's payload words, one per word count, reused for every record (the dump's writers allocate none). */
export class PayloadScratch {
  private readonly byCount = Array.from({ length: 8 }, (_, n) => new Array<number>(n).fill(0));

  /** The payload words of `v`, valid until the next record with as many words. */
  of(v: RecordView): number[] {
    const w = this.byCount[v.nWords]!;
    for (let k = 0; k < v.nWords; k++) w[k] = v.buf.readUInt32LE(v.payloadAt + 4 * k);
    return w;
  }
}

/** CPU numbers above this come from corrupt window headers (Xen's NR_CPUS tops out far below). */
export const MAX_CPU = 65535;

/** Largest record: header + TSC + 7 words. */
export const MAX_RECORD = 40;

interface CpuTsc {
  hi: number;
  lo: number;
  known: boolean;
}

/**
 * Zero for number fields that will hold uint32 words or offsets past 1 GiB: -0 is not a small
 * integer, so V8 gives the field a double representation from the start. Started as 0, the field
 * changed representation on the first TSC word >= 2^30, and the index pass's optimized code was
 * thrown away and compiled again (two recompiles in the first GiB, tens of ms of JIT work).
 */
const WIDE = -0;

/** feed() results. */
export const FeedStatus = {
  /** Needs bytes from `pos` on. */
  NeedMore: 0,
  /** The sink asked to pause. */
  Paused: 1,
  /** The input is exhausted. */
  Done: 2,
  /** Stopped at the end of a window because `stopAtWindowEnd` is set. */
  WindowEnd: 3,
} as const;
export type FeedStatus = (typeof FeedStatus)[keyof typeof FeedStatus];

const SIG = Buffer.from([0x03, 0xf0, 0x01, 0x20]);

/** What listedWindows did. */
const enum ListedWindows {
  NotListed,
  Done,
  Paused,
  /** The window is not whole in the chunk: feed returns NeedMore with `needBytes` set. */
  NeedWhole,
}

/** What skipUnsampled reached besides its return value (module-level: no allocation per call). */
export const skipped = { recordIndex: 0, lastTscAt: -1 };

/**
 * The index pass's inner loop: frames records from word `r` until the window's end in this chunk,
 * record `nextSample`, or anything unusual (left to the general path). Returns the word reached.
 * A small function of its own so the JIT keeps it optimised whatever happens in feed().
 */
export function skipUnsampled(words: Uint32Array, r: number, endW: number, recordIndex: number, nextSample: number): number {
  let idx = recordIndex;
  let lastTscAt = -1;
  while (r < endW) {
    const h = words[r]!;
    const ev = h & EVENT_MASK;
    // Shifts and masks only: the size is on the loop's critical path (the next header's address).
    const sizeW = 1 + ((h >>> 30) & 2) + ((h >>> 28) & 7);
    if (r + sizeW > endW || ev === TRC_TRACE_CPU_CHANGE || ev >>> 16 === 0) break;
    if (ev === TRC_TRACE_WRAP_BUFFER) {
      r += sizeW;
      continue;
    }
    if (idx === nextSample) break;
    // Without a branch: records with and without a TSC may alternate unpredictably (−20% time).
    const tscMask = h >> 31;
    lastTscAt = (r & tscMask) | (lastTscAt & ~tscMask);
    idx++;
    r += sizeW;
  }
  skipped.recordIndex = idx;
  skipped.lastTscAt = lastTscAt;
  return r;
}

export class TraceFramer {
  /** Absolute offset of the next byte to interpret. */
  pos = 0;
  recordIndex = 0;
  windowIndex = -1;
  /** Stop (status WindowEnd) instead of reading the next window header: for per-CPU cursors. */
  stopAtWindowEnd = false;
  /**
   * When > 0, onRecord sees only some records and the first record of each window; the others
   * are framed and their TSCs tracked, nothing more. Records are grouped in blocks of
   * `sampleBlock` consecutive indices; block b is seen when b % sampleEvery === sampleFirst. The
   * index sees every Nth record (blocks of 1); a parallel dump's worker sees every Nth block.
   */
  sampleEvery = 0;
  sampleBlock = 1;
  sampleFirst = 0;
  /**
   * Index pass (with sampleEvery): whole windows are listed by the kernel CHAINS at a time and
   * their samples delivered from the lists. The sink must not pause: a pause takes effect at the
   * end of the window.
   */
  listWindows = false;
  /** With listWindows: windows up to this size (with their header) are asked for whole (NeedMore). */
  wholeWindowBytes = 0;
  /** After a NeedMore: the bytes wanted from `pos` on (0: a record's worth). */
  needBytes = 0;
  /** Where a window was last asked for whole: asked once, so a reader that cannot carry it cannot loop. */
  private askedWholeAt = -1;
  private readonly spans = new Array<number>(2 * CHAINS).fill(0);
  private firstInWindow = false;
  private inWindow = false;
  private windowEnd = 0;
  private windowStartOffset = 0;
  private cpu = 0;
  private cur: CpuTsc = { hi: WIDE, lo: WIDE, known: false };
  private readonly cpus = new Map<number, CpuTsc>();
  private resyncFrom = -1;
  private sawWindow = false;
  private readonly view: RecordView = {
    index: WIDE,
    offset: WIDE,
    cpu: 0,
    header: WIDE,
    event: 0,
    nWords: 0,
    hasTsc: false,
    tscHi: WIDE,
    tscLo: WIDE,
    tscKnown: false,
    prevTscHi: WIDE,
    prevTscLo: WIDE,
    prevTscKnown: false,
    windowIndex: 0,
    buf: Buffer.alloc(0),
    payloadAt: 0,
  };

  constructor(private sink: FramerSink) {}

  setSink(sink: FramerSink): void {
    this.sink = sink;
  }

  /** Restart at a window header, with known per-CPU TSC state (used by the index and cursors). */
  seekWindow(window: WindowInfo): void {
    this.pos = window.offset;
    this.inWindow = false;
    this.resyncFrom = -1;
    this.sawWindow = true;
    this.recordIndex = window.firstRecord;
    this.windowIndex = window.index - 1;
    this.cpus.set(window.cpu, { hi: window.tscHi, lo: window.tscLo, known: window.tscKnown });
  }

  /** Restart inside a window at a record boundary. */
  seekRecord(at: { offset: number; recordIndex: number; window: WindowInfo; tscHi: number; tscLo: number; tscKnown: boolean }): void {
    this.pos = at.offset;
    this.inWindow = true;
    this.resyncFrom = -1;
    this.sawWindow = true;
    this.recordIndex = at.recordIndex;
    this.windowIndex = at.window.index;
    this.windowStartOffset = at.window.offset;
    this.windowEnd = at.window.offset + 12 + at.window.length;
    this.cpu = at.window.cpu;
    this.cur = { hi: at.tscHi, lo: at.tscLo, known: at.tscKnown };
    this.cpus.set(this.cpu, this.cur);
  }

  /** The first index from `index` on that onRecord sees when sampling. */
  private nextSampled(index: number): number {
    const block = Math.floor(index / this.sampleBlock);
    const m = block % this.sampleEvery;
    return m === this.sampleFirst ? index : (block + ((this.sampleFirst - m + this.sampleEvery) % this.sampleEvery)) * this.sampleBlock;
  }

  /** Each CPU's TSC state so far (a parallel dump's worker starts its deltas from them). */
  cpuTscStates(): ReadonlyMap<number, Readonly<CpuTsc>> {
    return this.cpus;
  }

  private problem(offset: number, kind: TraceProblem['kind'], message: string): void {
    this.sink.onProblem?.({ offset, kind, message });
  }

  private startResync(from: number): void {
    this.inWindow = false;
    this.resyncFrom = from;
    this.pos = from + 1;
  }

  /**
   * Interprets `buf` (whose first byte is at absolute offset `base`, with `base <= pos`).
   * `eof` says no bytes follow the buffer. Returns why it stopped; `pos` is where to resume.
   */
  feed(buf: Buffer, base: number, eof: boolean): FeedStatus {
    const len = buf.length;
    const view = this.view;
    view.buf = buf;
    // A word view of the chunk when it is 4-byte aligned in memory (records are 4-byte aligned
    // in the file): one typed-array load per header instead of four byte loads.
    const words = LITTLE_ENDIAN && (buf.byteOffset & 3) === 0 ? new Uint32Array(buf.buffer, buf.byteOffset, len >>> 2) : undefined;
    for (;;) {
      const rel = this.pos - base;
      const avail = len - rel;
      if (this.resyncFrom >= 0) {
        // Look for the next plausible CPU_CHANGE header anywhere (corruption may break alignment).
        let found = -1;
        let at = rel;
        while (at <= len - 12) {
          const hit = buf.indexOf(SIG, at);
          if (hit < 0 || hit > len - 12) break;
          const cpu = buf.readUInt32LE(hit + 4);
          const size = buf.readUInt32LE(hit + 8);
          if (cpu <= MAX_CPU && size % 4 === 0) {
            found = hit;
            break;
          }
          at = hit + 1;
        }
        if (found < 0) {
          if (eof) {
            this.problem(this.resyncFrom, 'resync', `no CPU_CHANGE record (03 f0 01 20) after offset ${this.resyncFrom}: skipped ${base + len - this.resyncFrom} bytes to the end of the file`);
            this.resyncFrom = -1;
            this.pos = base + len;
            return FeedStatus.Done;
          }
          // Keep the last 11 bytes: a header may straddle the chunk boundary.
          this.pos = Math.max(this.pos, base + len - 11);
          return FeedStatus.NeedMore;
        }
        this.problem(base + found, 'resync', `resynchronised at the CPU_CHANGE record at offset ${base + found}, skipping ${base + found - this.resyncFrom} bytes from offset ${this.resyncFrom}`);
        this.resyncFrom = -1;
        this.pos = base + found;
        continue;
      }
      if (this.inWindow && this.pos >= this.windowEnd) {
        this.inWindow = false;
        if (this.stopAtWindowEnd) return FeedStatus.WindowEnd;
      }
      if (!this.inWindow) {
        if (avail <= 0) return eof ? FeedStatus.Done : FeedStatus.NeedMore;
        if (avail < 12 && !eof) return FeedStatus.NeedMore;
        // Word loads when aligned: readUInt32LE, cold, cost the index pass ~5 ms over its first windows.
        const aligned = words !== undefined && (rel & 3) === 0;
        const h = avail < 4 ? -1 : aligned ? words[rel >>> 2]! : buf.readUInt32LE(rel);
        if (avail < 12 && (h === CPU_CHANGE_HEADER || avail < 4)) {
          this.problem(this.pos, 'truncated', `file ends ${avail} bytes into a 12-byte CPU_CHANGE record at offset ${this.pos}`);
          this.pos = base + len;
          return FeedStatus.Done;
        }
        if (h !== CPU_CHANGE_HEADER) {
          const found = Array.from(buf.subarray(rel, rel + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
          if (!this.sawWindow && this.pos === 0) {
            this.problem(0, 'not-a-trace', `not a xentrace file: expected a CPU_CHANGE record (bytes 03 f0 01 20) at offset 0, found ${found}`);
          } else {
            this.problem(this.pos, 'corrupt-window', `expected a CPU_CHANGE record (03 f0 01 20) at offset ${this.pos} where the previous window ends, found ${found}`);
          }
          this.sawWindow = true;
          this.startResync(this.pos);
          continue;
        }
        const cpu = aligned ? words[(rel >>> 2) + 1]! : buf.readUInt32LE(rel + 4);
        const size = aligned ? words[(rel >>> 2) + 2]! : buf.readUInt32LE(rel + 8);
        if (cpu > MAX_CPU || size % 4 !== 0) {
          this.problem(this.pos, 'corrupt-window', `corrupt CPU_CHANGE record at offset ${this.pos}: cpu ${cpu}, window length ${size}${size % 4 !== 0 ? ' (not a multiple of 4)' : ''}`);
          this.sawWindow = true;
          this.startResync(this.pos);
          continue;
        }
        // Index pass: this window and the next listed by the kernel at once (two dependency chains).
        if (this.listWindows && this.sampleEvery > 0 && !this.stopAtWindowEnd && words !== undefined && (rel & 3) === 0) {
          const listed = this.listedWindows(base, words, eof);
          if (listed === ListedWindows.Paused) return FeedStatus.Paused;
          if (listed === ListedWindows.Done) continue;
          if (listed === ListedWindows.NeedWhole) return FeedStatus.NeedMore;
        }
        this.openWindow(cpu, size);
        this.inWindow = true;
        this.firstInWindow = true;
        this.pos += 12;
        continue;
      }
      // Inside a window. Index pass: skip unsampled records in a tight loop over words, leaving
      // samples, window boundaries and anything unusual to the general path below.
      const nextSample = words !== undefined && this.sampleEvery > 0 && !this.firstInWindow && (rel & 3) === 0 ? this.nextSampled(this.recordIndex) : this.recordIndex;
      if (words !== undefined && nextSample !== this.recordIndex) {
        const start = rel >>> 2;
        const endW = Math.min(len, this.windowEnd - base) >>> 2;
        const cur = this.cur;
        // The reader's buffers live in a WebAssembly arena when they can: its kernel runs the same loop.
        const arena = arenaOf(words);
        let r: number;
        let idx: number;
        let lastTscAt: number;
        if (arena) {
          const got = arena.skip(words, start, endW, nextSample - this.recordIndex);
          r = got.r;
          idx = this.recordIndex + got.count;
          lastTscAt = got.lastTscAt;
        } else {
          r = skipUnsampled(words, start, endW, this.recordIndex, nextSample);
          idx = skipped.recordIndex;
          lastTscAt = skipped.lastTscAt;
        }
        if (lastTscAt >= 0) {
          cur.lo = words[lastTscAt + 1]!;
          cur.hi = words[lastTscAt + 2]!;
          cur.known = true;
        }
        if (r !== start) {
          this.recordIndex = idx;
          this.pos = base + (r << 2);
          continue;
        }
      }
      if (avail < 4) {
        if (!eof) return FeedStatus.NeedMore;
        if (avail > 0) this.problem(this.pos, 'truncated', `file ends ${avail} bytes into the record header at offset ${this.pos}`);
        else this.problem(this.pos, 'truncated', `file ends at offset ${this.pos}, ${this.windowEnd - this.pos} bytes before the end of the window that began at offset ${this.windowStart()}`);
        this.pos = base + len;
        this.inWindow = false;
        return FeedStatus.Done;
      }
      const header = words !== undefined && (rel & 3) === 0 ? words[rel >>> 2]! : buf.readUInt32LE(rel);
      const event = header & EVENT_MASK;
      const nWords = (header >>> 28) & 7;
      const hasTsc = header >>> 31 === 1;
      const size = 4 + (hasTsc ? 8 : 0) + 4 * nWords;
      if (event === TRC_TRACE_CPU_CHANGE) {
        this.problem(this.pos, 'corrupt-window', `CPU_CHANGE record at offset ${this.pos} inside the window that began at offset ${this.windowStart()} (declared to end at ${this.windowEnd}): the window length is corrupt`);
        this.inWindow = false;
        if (header !== CPU_CHANGE_HEADER) this.startResync(this.pos);
        continue;
      }
      if ((event >>> 16) === 0) {
        this.problem(this.pos, 'impossible-record', `impossible record at offset ${this.pos}: header ${header.toString(16).padStart(8, '0')} has no event class`);
        this.startResync(this.pos);
        continue;
      }
      if (this.pos + size > this.windowEnd) {
        this.problem(this.pos, 'impossible-record', `record at offset ${this.pos} (${size} bytes) runs past the end of its window at offset ${this.windowEnd}`);
        this.startResync(this.pos);
        continue;
      }
      if (avail < size) {
        if (!eof) return FeedStatus.NeedMore;
        this.problem(this.pos, 'truncated', `file ends ${avail} bytes into a ${size}-byte record at offset ${this.pos}`);
        this.pos = base + len;
        this.inWindow = false;
        return FeedStatus.Done;
      }
      if (event === TRC_TRACE_WRAP_BUFFER) {
        this.pos += size;
        continue;
      }
      const cur = this.cur;
      view.prevTscHi = cur.hi;
      view.prevTscLo = cur.lo;
      view.prevTscKnown = cur.known;
      if (hasTsc) {
        if (words !== undefined && (rel & 3) === 0) {
          cur.lo = words[(rel >>> 2) + 1]!;
          cur.hi = words[(rel >>> 2) + 2]!;
        } else {
          cur.lo = buf.readUInt32LE(rel + 4);
          cur.hi = buf.readUInt32LE(rel + 8);
        }
        cur.known = true;
      }
      if (this.sampleEvery > 0 && !this.firstInWindow && this.nextSampled(this.recordIndex) !== this.recordIndex) {
        this.recordIndex++;
        this.pos += size;
        continue;
      }
      this.firstInWindow = false;
      view.index = this.recordIndex++;
      view.offset = this.pos;
      view.cpu = this.cpu;
      view.header = header;
      view.event = event;
      view.nWords = nWords;
      view.hasTsc = hasTsc;
      view.tscHi = cur.hi;
      view.tscLo = cur.lo;
      view.tscKnown = cur.known;
      view.windowIndex = this.windowIndex;
      view.payloadAt = rel + (hasTsc ? 12 : 4);
      this.pos += size;
      if (this.sink.onRecord(view) === false) return FeedStatus.Paused;
    }
  }

  private windowStart(): number {
    return this.windowStartOffset;
  }

  /** Opens the window whose CPU_CHANGE record is at `pos`: its CPU's TSC state, onWindow. */
  private openWindow(cpu: number, size: number): void {
    this.sawWindow = true;
    this.windowIndex++;
    this.cpu = cpu;
    let state = this.cpus.get(cpu);
    const known = this.sink.windowTsc?.(this.windowIndex, cpu);
    if (known) {
      state = { hi: known.hi, lo: known.lo, known: known.known };
      this.cpus.set(cpu, state);
    } else if (!state) {
      state = { hi: WIDE, lo: WIDE, known: false };
      this.cpus.set(cpu, state);
    }
    this.cur = state;
    this.sink.onWindow?.({
      index: this.windowIndex,
      offset: this.pos,
      cpu,
      length: size,
      firstRecord: this.recordIndex,
      tscHi: state.hi,
      tscLo: state.lo,
      tscKnown: state.known,
    });
    this.windowStartOffset = this.pos;
    this.windowEnd = this.pos + 12 + size;
  }

  /**
   * Index pass, at a window header: when this window and the next CHAINS − 1 are whole in the
   * chunk, the kernel lists their records at once; each window it listed to its end is then
   * opened and its sampled records delivered here, as the general path would deliver them.
   * NotListed: the general path takes this window from its header.
   */
  private listedWindows(base: number, words: Uint32Array, eof: boolean): ListedWindows {
    const arena = arenaOf(words);
    if (!arena) return ListedWindows.NotListed;
    const spans = this.spans;
    let at = (this.pos - base) >>> 2;
    let windows = 0;
    for (let k = 0; k < CHAINS; k++) {
      spans[2 * k] = spans[2 * k + 1] = 0;
      if (windows < k || at + 3 > words.length || words[at] !== CPU_CHANGE_HEADER) continue;
      const cpu = words[at + 1]!;
      const size = words[at + 2]!;
      if (cpu > MAX_CPU || size % 4 !== 0) continue;
      if (at + 3 + size / 4 > words.length) {
        // The first window runs past this chunk: ask for it whole when the reader can carry it over.
        if (k === 0 && !eof && 12 + size <= this.wholeWindowBytes && this.askedWholeAt !== this.pos) {
          this.askedWholeAt = this.pos;
          this.needBytes = 12 + size;
          return ListedWindows.NeedWhole;
        }
        continue;
      }
      spans[2 * k] = at + 3;
      spans[2 * k + 1] = at = at + 3 + size / 4;
      windows++;
    }
    // Chains with no window of their own walk the last one again (and are not delivered): the
    // shared loop runs only while every chain has records, and an empty chain would leave the
    // others to `one`, one window at a time.
    for (let k = windows; k > 0 && k < CHAINS; k++) {
      spans[2 * k] = spans[2 * windows - 2]!;
      spans[2 * k + 1] = spans[2 * windows - 1]!;
    }
    if (windows === 0 || !arena.walkWindows(words, spans)) return ListedWindows.NotListed;
    let paused = false;
    for (let k = 0; k < windows; k++) {
      // Stopped before its end: something unusual the general path must see (and report).
      if (arena.walked.reached[k] !== spans[2 * k + 1]) {
        if (k === 0) return ListedWindows.NotListed;
        break;
      }
      paused = this.deliverListed(base, words, arena, k, spans[2 * k]! - 3) || paused;
    }
    return paused ? ListedWindows.Paused : ListedWindows.Done;
  }

  /** Opens listed window `k` (header at word `headerAt`) and delivers its sampled records; true if the sink asked to pause. */
  private deliverListed(base: number, words: Uint32Array, arena: SkipArena, k: number, headerAt: number): boolean {
    this.pos = base + headerAt * 4;
    this.openWindow(words[headerAt + 1]!, words[headerAt + 2]!);
    const list = arena.walked.list[k]!;
    const count = arena.walked.count[k]!;
    const first = this.recordIndex;
    const start = this.cur;
    const view = this.view;
    const sink = this.sink;
    let paused = false;
    // The window's first record, then the sampled ones.
    for (let g = first; g < first + count; g = this.nextSampled(g + 1)) {
      const j = g - first;
      const r = arena.listed(list + j);
      const header = words[r]!;
      const before = this.lastTscBefore(words, arena, list, j);
      const hasTsc = header >>> 31 === 1;
      const prevHi = before < 0 ? start.hi : words[before + 2]!;
      const prevLo = before < 0 ? start.lo : words[before + 1]!;
      const prevKnown = before < 0 ? start.known : true;
      const hi = hasTsc ? words[r + 2]! : prevHi;
      const lo = hasTsc ? words[r + 1]! : prevLo;
      const known = hasTsc || prevKnown;
      if (sink.onSample) {
        if (sink.onSample(base + r * 4, g, this.windowIndex, this.cpu, hi, lo, known) === false) paused = true;
        continue;
      }
      view.prevTscHi = prevHi;
      view.prevTscLo = prevLo;
      view.prevTscKnown = prevKnown;
      view.tscHi = hi;
      view.tscLo = lo;
      view.tscKnown = known;
      view.index = g;
      view.offset = base + r * 4;
      view.cpu = this.cpu;
      view.header = header;
      view.event = header & EVENT_MASK;
      view.nWords = (header >>> 28) & 7;
      view.hasTsc = hasTsc;
      view.windowIndex = this.windowIndex;
      view.payloadAt = r * 4 + (hasTsc ? 12 : 4);
      if (sink.onRecord(view) === false) paused = true;
    }
    const last = this.lastTscBefore(words, arena, list, count);
    if (last >= 0) this.cur = { hi: words[last + 2]!, lo: words[last + 1]!, known: true };
    this.cpus.set(this.cpu, this.cur);
    this.recordIndex = first + count;
    this.pos = this.windowEnd;
    return paused;
  }

  /** Word index of the last record with a TSC among listed records 0 … j−1 of a window, or −1. */
  private lastTscBefore(words: Uint32Array, arena: SkipArena, list: number, j: number): number {
    for (let i = j - 1; i >= 0; i--) {
      const r = arena.listed(list + i);
      if (words[r]! >>> 31 === 1) return r;
    }
    return -1;
  }
}

/** True if `event` is a lost-records record (its own record in the output). */
export function isLostRecords(event: number): boolean {
  return event === ids.TRC_LOST_RECORDS;
}
