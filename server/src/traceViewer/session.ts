// One open binary trace on the server: a file handle, the sparse index built in the background
// (with run state, statistics and density samples gathered in the same pass), and the queries
// the viewer makes. The webview never holds the file; it asks for rows by range.
import { CPU_CHANGE_HEADER, TRC_LOST_RECORDS } from '../core/xentrace/eventIds';
import { FeedStatus, MAX_RECORD, TraceFramer, type FramerSink, type RecordView, type TraceProblem } from '../core/xentrace/framer';
import { PageReader } from '../core/xentrace/pageReader';
import type { TraceRecord } from '../core/xentrace/record';
import { recordToJson } from '../core/xentrace/recordJson';
import { SparseIndex } from '../core/xentrace/sparseIndex';
import { StatsCollector } from '../core/xentrace/stats';
import { compareTime, firstRecordAtOrAfter, timeOrdered } from '../core/xentrace/timeOrder';
import { recordFromView, scanTrace } from '../core/xentrace/traceReader';
import {
  MAX_EXPORT_RECORDS,
  type TimeKey,
  type TraceDensityResult,
  type TraceExportResult,
  type TraceFilter,
  type TraceFilterProgress,
  type TraceIndexProgress,
  type TraceJumpResult,
  type TraceJumpTarget,
  type TraceMatchPosition,
  type TraceProblemJson,
  type TraceRecordDetail,
  type TraceRow,
  type TraceRowsResult,
  type TraceStatsResult,
} from '../protocol/traceViewer';
import { compileFilter, MatchList, type RecordPredicate } from './filter';
import { detailOf, exportLine, rowOf } from './rows';
import { float64Blocks, int32Blocks, type NumberBlocks } from './numberBlocks';
import { RunState } from './runState';

/** One density sample every this many records of a CPU (a strip is at most 2048 buckets wide). */
export const DENSITY_EVERY = 256;
/** The filter yields to other requests after this many records. */
const FILTER_SLICE = 1 << 17;
const MAX_LOST_SPANS = 1000;
const PROGRESS_MS = 100;
/** Rows per request: the webview asks for a screenful and some margin. */
export const MAX_ROWS = 2000;

interface FilterRun {
  id: string;
  matches: MatchList;
  scanned: number;
  done: boolean;
  cancelled: boolean;
}

/** A record read with the domain and vCPU that ran on its CPU. */
interface PlacedRecord {
  record: TraceRecord;
  dom: number;
  vcpu: number;
}

const problemJson = (p: TraceProblem): TraceProblemJson => ({ offset: p.offset, kind: p.kind, message: p.message });
const tscNumber = (hi: number, lo: number) => hi * 0x100000000 + lo;
const tscString = (hi: number, lo: number) => ((BigInt(hi) << 32n) | BigInt(lo)).toString();

export class TraceSession {
  readonly index: SparseIndex;
  /** Settles when the index is complete. */
  readonly built: Promise<void>;
  indexDone = false;
  indexMs = 0;
  /** Pass 2 (statistics, run state, density) has seen every record. */
  detailsDone = false;
  detailsMs = 0;
  private indexedOffset = 0;
  private detailsOffset = 0;
  /** Run state before every index sample (the same positions as the index's global samples). */
  private readonly snapshots = int32Blocks();
  /** Where each snapshot starts in `snapshots` (one more entry than snapshots: the end). */
  private readonly snapshotStart = float64Blocks();
  private readonly stats = new StatsCollector();
  private inheritedTsc = 0;
  private readonly lostSpans: TraceStatsResult['lostSpans'] = [];
  /** By CPU: TSC (as a float) and record number of every DENSITY_EVERY-th record of that CPU. */
  private readonly density: ({ tsc: NumberBlocks; i: NumberBlocks; count: number } | undefined)[] = [];
  /** First and last own TSC seen, as halves (−1: none yet). */
  private firstHi = -1;
  private firstLo = 0;
  private lastHi = -1;
  private lastLo = 0;
  private readonly filters = new Map<string, FilterRun>();
  private nextFilter = 1;
  private closed = false;
  /** Seeks on `reader` one after another (see feedInTurn). */
  private readerTurn: Promise<void> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly reader: PageReader,
    private readonly indexReader: PageReader,
    every: number | undefined,
    onProgress: (p: TraceIndexProgress) => void,
    readonly session: string,
  ) {
    this.index = new SparseIndex(every, reader.size);
    this.built = this.build(onProgress);
  }

  /**
   * Opens `path` and starts indexing. A file that does not start with a CPU_CHANGE record is
   * refused with the problem at offset 0; a damaged trace opens and reports its problems.
   */
  static async open(
    path: string,
    session: string,
    onProgress: (p: TraceIndexProgress) => void,
    every?: number,
  ): Promise<TraceSession | { error: string } | { notATrace: TraceProblemJson; fileSize: number }> {
    const reader = await PageReader.open(path, 1 << 16);
    if (!(reader instanceof PageReader)) return reader;
    const head = await reader.bytesAt(0, 4).catch(() => Buffer.alloc(0));
    if (head.length < 4 || head.readUInt32LE(0) !== CPU_CHANGE_HEADER) {
      await reader.close();
      const found = head.length === 0 ? 'an empty file' : Array.from(head, (b) => b.toString(16).padStart(2, '0')).join(' ');
      return {
        fileSize: reader.size,
        notATrace: { offset: 0, kind: 'not-a-trace', message: `not a xentrace file: expected a CPU_CHANGE record (bytes 03 f0 01 20) at offset 0, found ${found}` },
      };
    }
    const indexReader = await PageReader.open(path);
    if (!(indexReader instanceof PageReader)) {
      await reader.close();
      return indexReader;
    }
    return new TraceSession(path, reader, indexReader, every, onProgress, session);
  }

  /**
   * Pass 1 is the core's sampled index pass (only every Nth record reaches a sink), so seeks work
   * as soon as the core could offer them. Pass 2 then sees every record for what the viewer adds:
   * statistics, the run state at each index sample, density samples.
   */
  private async build(onProgress: (p: TraceIndexProgress) => void): Promise<void> {
    const started = performance.now();
    let last = 0;
    const throttled = (pass: 'index' | 'details') => (offset: number) => {
      if (pass === 'index') this.indexedOffset = offset;
      else this.detailsOffset = offset;
      const now = performance.now();
      if (now - last >= PROGRESS_MS) {
        last = now;
        onProgress(this.progress());
      }
    };
    const sink = this.index.sink({ onRecord: () => !this.closed, onSample: () => !this.closed });
    const framer = new TraceFramer(sink);
    framer.sampleEvery = this.index.every;
    framer.listWindows = true;
    await scanTrace(this.indexReader, sink, { framer, onProgress: throttled('index') });
    this.index.records = framer.recordIndex;
    this.indexedOffset = this.reader.size;
    this.indexDone = true;
    this.indexMs = performance.now() - started;
    if (this.closed) return this.indexReader.close();
    onProgress(this.progress());

    const detailsStarted = performance.now();
    const state = new RunState();
    const every = this.index.every;
    await scanTrace(
      this.indexReader,
      {
        onRecord: (v) => {
          if (v.index % every === 0) {
            if (this.snapshotStart.length === 0) this.snapshotStart.push(0);
            this.snapshotStart.push(this.snapshotStart.at(this.snapshotStart.length - 1) + state.saveTo(this.snapshots));
          }
          state.apply(v);
          this.stats.onRecord(v);
          this.observe(v);
          return !this.closed;
        },
      },
      { onProgress: throttled('details') },
    );
    this.detailsOffset = this.reader.size;
    this.detailsDone = true;
    this.detailsMs = performance.now() - detailsStarted;
    await this.indexReader.close();
    if (!this.closed) onProgress(this.progress());
  }

  /** Per-record bookkeeping of the index pass that the core's statistics do not keep (hot: no allocation). */
  private observe(v: RecordView): void {
    if (v.hasTsc) {
      const hi = v.tscHi;
      const lo = v.tscLo;
      if (this.firstHi < 0 || hi < this.firstHi || (hi === this.firstHi && lo < this.firstLo)) {
        this.firstHi = hi;
        this.firstLo = lo;
      }
      if (hi > this.lastHi || (hi === this.lastHi && lo > this.lastLo)) {
        this.lastHi = hi;
        this.lastLo = lo;
      }
    } else if (v.tscKnown) this.inheritedTsc++;
    if (v.event === TRC_LOST_RECORDS && this.lostSpans.length < MAX_LOST_SPANS) {
      this.lostSpans.push({
        i: v.index,
        cpu: v.cpu,
        tsc: v.tscKnown ? tscString(v.tscHi, v.tscLo) : null,
        lost: v.nWords >= 1 ? v.buf.readUInt32LE(v.payloadAt) : 0,
      });
    }
    let d = this.density[v.cpu];
    if (!d) {
      d = { tsc: float64Blocks(), i: float64Blocks(), count: 0 };
      this.density[v.cpu] = d;
    }
    if (d.count++ % DENSITY_EVERY === 0 && v.tscKnown) {
      d.tsc.push(tscNumber(v.tscHi, v.tscLo));
      d.i.push(v.index);
    }
  }

  private get firstTsc(): bigint | null {
    return this.firstHi < 0 ? null : (BigInt(this.firstHi) << 32n) | BigInt(this.firstLo);
  }

  private get lastTsc(): bigint | null {
    return this.lastHi < 0 ? null : (BigInt(this.lastHi) << 32n) | BigInt(this.lastLo);
  }

  progress(): TraceIndexProgress {
    const p: TraceIndexProgress = {
      session: this.session,
      offset: this.indexedOffset,
      fileSize: this.reader.size,
      records: this.index.records,
      done: this.indexDone,
      detailsOffset: this.detailsOffset,
      detailsDone: this.detailsDone,
      problems: this.index.problems.slice(0, 50).map(problemJson),
      problemCount: this.index.problemCount,
      firstTsc: this.firstTsc?.toString() ?? null,
      lastTsc: this.lastTsc?.toString() ?? null,
      tscHz: this.detailsDone ? (this.stats.result().tscHz?.estimate ?? null) : null,
      cpus: this.index.cpus(),
    };
    if (this.indexDone) p.indexMs = Math.round(this.indexMs);
    if (this.detailsDone) p.detailsMs = Math.round(this.detailsMs);
    return p;
  }

  /**
   * Reads records first…first+count−1 in file order, replaying the run state from the index
   * sample before them. `keep` may stop early by returning false.
   */
  private async readPlaced(first: number, count: number, keep: (p: PlacedRecord) => boolean = () => true): Promise<PlacedRecord[]> {
    const out: PlacedRecord[] = [];
    if (count <= 0) return out;
    // The framer starts at index sample k; its run state is known once pass 2 has passed it.
    const k = Math.floor(first / this.index.every);
    const state = k + 1 < this.snapshotStart.length ? RunState.restore(this.snapshots, this.snapshotStart.at(k), this.snapshotStart.at(k + 1)) : new RunState();
    let skip = 0;
    const sink: FramerSink = {
      onRecord: (v) => {
        if (skip > 0) {
          skip--;
          state.apply(v);
          return true;
        }
        const placed = { record: recordFromView(v), dom: state.dom(v.cpu), vcpu: state.vcpu(v.cpu) };
        state.apply(v);
        if (!keep(placed)) return false;
        out.push(placed);
        return out.length < count;
      },
    };
    const start = this.index.framerForRecord(first, sink);
    if (!start) return out;
    skip = start.skip;
    await this.feedInTurn(start.framer);
    return out;
  }

  /**
   * Feeds `framer` from the shared random-access reader once the seeks before it are done. The
   * reader has one chunk buffer: when the webview's rows and a detail overlapped, one seek's read
   * overwrote the chunk the other was framing, and the detail pane showed the wrong record.
   */
  private feedInTurn(framer: TraceFramer): Promise<void> {
    const turn = this.readerTurn.then(() => this.feed(framer));
    this.readerTurn = turn.catch(() => undefined);
    return turn;
  }

  private async feed(framer: TraceFramer): Promise<void> {
    try {
      for (;;) {
        const chunk = await this.reader.chunkAt(framer.pos, MAX_RECORD);
        if (framer.feed(chunk.buf, chunk.base, chunk.eof) !== FeedStatus.NeedMore) return;
      }
    } catch {
      // An I/O error ends the read with the records read so far.
    }
  }

  /** Rows by position in file order, or among a filter's matches. */
  async rows(start: number, count: number, filter?: string): Promise<TraceRowsResult> {
    count = Math.max(0, Math.min(count, MAX_ROWS));
    if (filter !== undefined) {
      const run = this.filters.get(filter);
      if (!run) return { rows: [], total: 0 };
      const rows: TraceRow[] = [];
      for (let k = Math.max(0, start); k < Math.min(run.matches.length, start + count); k++) {
        const [p] = await this.readPlaced(run.matches.at(k), 1);
        if (p) rows.push(rowOf(p.record, p.dom, p.vcpu));
      }
      return { rows, total: run.matches.length };
    }
    const total = this.index.records;
    start = Math.max(0, Math.min(start, total));
    const placed = await this.readPlaced(start, Math.min(count, total - start));
    return { rows: placed.map((p) => rowOf(p.record, p.dom, p.vcpu)), total };
  }

  async detail(i: number): Promise<TraceRecordDetail | null> {
    const [p] = await this.readPlaced(i, 1);
    if (!p) return null;
    const bytes = await this.reader.bytesAt(p.record.offset, p.record.size);
    return detailOf(p.record, p.dom, p.vcpu, bytes);
  }

  /** The domain and vCPU of a record read out of file order (time order). */
  private async place(r: TraceRecord): Promise<TraceRow> {
    const [p] = await this.readPlaced(r.i, 1);
    return p ? rowOf(p.record, p.dom, p.vcpu) : rowOf(r, -1, -1);
  }

  /** Time-order rows (merged across CPUs): from a TSC, or strictly after / before a row. */
  async timeRows(options: { fromTsc?: string; after?: TimeKey; before?: TimeKey; count: number }): Promise<TraceRowsResult> {
    const count = Math.max(0, Math.min(options.count, MAX_ROWS));
    const total = this.index.records;
    if (options.before) return { rows: await this.timeRowsBefore(options.before, count), total };
    const after = options.after;
    const from = after ? (after.tsc === null ? undefined : BigInt(after.tsc)) : options.fromTsc !== undefined ? BigInt(options.fromTsc) : undefined;
    const picked: TraceRecord[] = [];
    const opts = from === undefined ? {} : { fromTsc: from };
    for await (const r of timeOrdered(this.path, this.index, opts)) {
      if (after && compareTime(r, keyRecord(after)) <= 0) continue;
      picked.push(r);
      if (picked.length >= count) break;
    }
    const rows: TraceRow[] = [];
    for (const r of picked) rows.push(await this.place(r));
    return { rows, total };
  }

  private async timeRowsBefore(before: TimeKey, count: number): Promise<TraceRow[]> {
    const key = keyRecord(before);
    const first = this.firstTsc;
    const last = this.lastTsc;
    if (before.tsc === null || first === null || last === null) return this.timeRowsFromStart(key, count);
    const perRecord = this.index.records > 0 ? Number(last - first) / this.index.records : 1;
    let span = BigInt(Math.max(1, Math.ceil(perRecord * count * 2)));
    const target = BigInt(before.tsc);
    for (let attempt = 0; attempt < 40; attempt++) {
      const from = target - span;
      if (from <= first) return this.timeRowsFromStart(key, count);
      const window: TraceRecord[] = [];
      for await (const r of timeOrdered(this.path, this.index, { fromTsc: from })) {
        if (compareTime(r, key) >= 0) break;
        window.push(r);
      }
      if (window.length >= count) {
        const rows: TraceRow[] = [];
        for (const r of window.slice(window.length - count)) rows.push(await this.place(r));
        return rows;
      }
      span *= 4n;
    }
    return this.timeRowsFromStart(key, count);
  }

  private async timeRowsFromStart(key: TraceRecord, count: number): Promise<TraceRow[]> {
    const ring: TraceRecord[] = [];
    for await (const r of timeOrdered(this.path, this.index)) {
      if (compareTime(r, key) >= 0) break;
      ring.push(r);
      if (ring.length > count) ring.shift();
    }
    const rows: TraceRow[] = [];
    for (const r of ring) rows.push(await this.place(r));
    return rows;
  }

  async jump(to: TraceJumpTarget): Promise<TraceJumpResult> {
    if ('record' in to) {
      if (!Number.isInteger(to.record) || to.record < 0) return { error: `record number ${to.record} is not a non-negative integer` };
      if (to.record >= this.index.records) return { error: `record ${to.record} is past the last record (${this.index.records - 1}${this.indexDone ? '' : ', still indexing'})` };
      return { i: to.record };
    }
    let tsc: bigint;
    if ('tsc' in to) {
      if (!/^\d+$/.test(to.tsc.trim()) && !/^0x[0-9a-f]+$/i.test(to.tsc.trim())) return { error: `"${to.tsc}" is not a TSC (decimal or 0x hex)` };
      tsc = BigInt(to.tsc.trim());
    } else {
      if (this.firstTsc === null) return { error: 'the trace has no TSC yet' };
      if (!(to.tscHz > 0) || !Number.isFinite(to.timeUs)) return { error: 'a time jump needs a TSC frequency' };
      tsc = this.firstTsc + BigInt(Math.round((to.timeUs * to.tscHz) / 1e6));
    }
    const r = await firstRecordAtOrAfter(this.path, this.index, tsc);
    if (!r) return { error: `no record at or after TSC ${tsc}` };
    return { i: r.i, tsc: r.tsc?.toString() ?? null };
  }

  statistics(): TraceStatsResult {
    const s = this.stats.result();
    return {
      records: s.records,
      perCpu: s.perCpu,
      perClass: s.perClass,
      perEvent: s.perEvent,
      perDomain: s.perDomain,
      lostRecords: s.lostRecords,
      lostSpans: this.lostSpans,
      inheritedTsc: this.inheritedTsc,
      firstTsc: this.firstTsc?.toString() ?? null,
      lastTsc: this.lastTsc?.toString() ?? null,
      tscHz: s.tscHz?.estimate ?? null,
      problemCount: this.index.problemCount,
      problems: this.index.problems.slice(0, 200).map(problemJson),
      complete: this.detailsDone,
    };
  }

  /** Records per CPU per time bucket, from the density samples. */
  densityStrip(buckets: number, fromTsc?: string, toTsc?: string): TraceDensityResult | null {
    if (this.firstTsc === null || this.lastTsc === null) return null;
    buckets = Math.max(1, Math.min(4096, Math.floor(buckets)));
    const from = fromTsc !== undefined ? BigInt(fromTsc) : this.firstTsc;
    const to = toTsc !== undefined ? BigInt(toTsc) : this.lastTsc;
    const lo = Number(from);
    const width = Math.max(1, Number(to - from) + 1) / buckets;
    const cpus: number[] = [];
    this.density.forEach((d, cpu) => {
      if (d) cpus.push(cpu);
    });
    const counts = cpus.map(() => new Array<number>(buckets).fill(0));
    const firstRecord = cpus.map(() => new Array<number>(buckets).fill(-1));
    cpus.forEach((cpu, c) => {
      const d = this.density[cpu]!;
      for (let k = 0; k < d.tsc.length; k++) {
        const b = Math.floor((d.tsc.at(k) - lo) / width);
        if (b < 0 || b >= buckets) continue;
        counts[c]![b]! += DENSITY_EVERY;
        if (firstRecord[c]![b] === -1) firstRecord[c]![b] = d.i.at(k);
      }
    });
    return { fromTsc: from.toString(), toTsc: to.toString(), cpus, counts, firstRecord };
  }

  async exportRange(first: number, last: number, format: 'text' | 'json'): Promise<TraceExportResult> {
    first = Math.max(0, first);
    const wanted = Math.max(0, Math.min(last, this.index.records - 1) - first + 1);
    const count = Math.min(wanted, MAX_EXPORT_RECORDS);
    const records = (await this.readPlaced(first, count)).map((p) => p.record);
    let text: string;
    if (format === 'json') {
      text = `[\n${records.map((r) => `  ${JSON.stringify(recordToJson(r))}`).join(',\n')}\n]\n`;
    } else {
      const previous = new Map<number, bigint>();
      const lines = records.map((r) => {
        const line = exportLine(r, previous.get(r.cpu));
        if (r.tsc !== null) previous.set(r.cpu, r.tsc);
        return line;
      });
      text = lines.join('\n') + '\n';
    }
    return { text, truncated: count < wanted };
  }

  /** Starts a filter over the whole file; progress and the end are reported through `onProgress`. */
  startFilter(filter: TraceFilter, onProgress: (p: TraceFilterProgress) => void): { filter: string } | { error: string } {
    const predicate = compileFilter(filter);
    if ('error' in predicate) return predicate;
    const run: FilterRun = { id: `f${this.nextFilter++}`, matches: new MatchList(), scanned: 0, done: false, cancelled: false };
    this.filters.set(run.id, run);
    void this.runFilter(run, predicate, onProgress);
    return { filter: run.id };
  }

  private async runFilter(run: FilterRun, predicate: RecordPredicate, onProgress: (p: TraceFilterProgress) => void): Promise<void> {
    const reader = await PageReader.open(this.path);
    const started = performance.now();
    const report = (done: boolean) => {
      const seconds = (performance.now() - started) / 1000;
      onProgress({
        session: this.session,
        filter: run.id,
        scanned: run.scanned,
        total: this.index.records,
        matches: run.matches.length,
        done,
        cancelled: run.cancelled,
        recordsPerSecond: seconds > 0 ? Math.round(run.scanned / seconds) : 0,
      });
    };
    if (!(reader instanceof PageReader)) {
      run.done = true;
      report(true);
      return;
    }
    const state = new RunState();
    let slice = 0;
    const framer = new TraceFramer({
      onRecord: (v) => {
        if (predicate(v, state)) run.matches.push(v.index);
        state.apply(v);
        run.scanned++;
        return ++slice < FILTER_SLICE;
      },
    });
    let last = 0;
    try {
      for (;;) {
        if (run.cancelled || this.closed) break;
        const chunk = await reader.chunkAt(framer.pos, MAX_RECORD);
        const status = framer.feed(chunk.buf, chunk.base, chunk.eof);
        if (status === FeedStatus.Done || status === FeedStatus.WindowEnd) break;
        if (status === FeedStatus.Paused) {
          slice = 0;
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
        const now = performance.now();
        if (now - last >= PROGRESS_MS) {
          last = now;
          report(false);
        }
      }
    } catch {
      // A read error ends the filter with the matches found so far.
    } finally {
      await reader.close();
    }
    run.done = true;
    report(true);
  }

  cancelFilter(id: string): void {
    const run = this.filters.get(id);
    if (run) run.cancelled = true;
  }

  nextMatch(id: string, from: number, direction: 1 | -1): TraceMatchPosition | null {
    const run = this.filters.get(id);
    if (!run) return null;
    const k = run.matches.nearest(from, direction);
    return k < 0 ? null : { i: run.matches.at(k), match: k };
  }

  /** Waits for a filter to finish (tests and the benchmark). */
  async filterDone(id: string): Promise<{ matches: number[]; scanned: number }> {
    const run = this.filters.get(id);
    if (!run) return { matches: [], scanned: 0 };
    while (!run.done) await new Promise((resolve) => setTimeout(resolve, 5));
    return { matches: Array.from({ length: run.matches.length }, (_, k) => run.matches.at(k)), scanned: run.scanned };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const run of this.filters.values()) run.cancelled = true;
    await this.built.catch(() => undefined);
    await this.reader.close();
  }
}

/** A stand-in record carrying only what compareTime reads. */
function keyRecord(key: TimeKey): TraceRecord {
  const tsc = key.tsc === null ? null : BigInt(key.tsc);
  return {
    tscKnown: tsc !== null,
    tscHi: tsc === null ? 0 : Number(tsc >> 32n),
    tscLo: tsc === null ? 0 : Number(tsc & 0xffffffffn),
    cpu: key.cpu,
    i: key.i,
  } as TraceRecord;
}
