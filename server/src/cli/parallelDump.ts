// A dump split over worker threads: formatting a record costs ~100× framing it, so each worker
// reads the whole trace but formats only its blocks of output (block b goes to worker b % N). In
// file order a block is B records of the file, and the framer skips the others' records in its fast
// loop; in time order every worker runs the same merge and a block is B printed records. The main
// thread writes the blocks in order. Each worker may have only CREDITS pieces of output waiting,
// so memory stays bounded however far ahead a worker runs.
import { isMainThread, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { ByteWriter } from '../core/xentrace/byteWriter';
import { PayloadScratch, TraceFramer, type FramerSink, type TraceProblem } from '../core/xentrace/framer';
import { PageReader } from '../core/xentrace/pageReader';
import { writeRecordJson, writeViewJson } from '../core/xentrace/recordJson';
import { RecordTextWriter } from '../core/xentrace/recordText';
import { buildIndex } from '../core/xentrace/sparseIndex';
import { TimeMerge, type TimeHead } from '../core/xentrace/timeOrder';
import { scanTrace } from '../core/xentrace/traceReader';
import { eventFilter } from '../core/xentrace/eventFilter';

export interface DumpJob {
  file: string;
  /** File order unless 'time'. */
  order?: 'file' | 'time';
  json: boolean;
  cpu: number | undefined;
  /** --event arguments (already checked by the caller). */
  events: string[];
  progress: boolean;
  workers: number;
  /** Records per block. */
  blockRecords: number;
}

interface WorkerJob extends DumpJob {
  kind: 'xenscope-dump';
  me: number;
}

type FromWorker =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'blockEnd'; block: number }
  | { kind: 'progress'; report: ProgressReport }
  | { kind: 'done'; records: number; problems: TraceProblem[]; problemCount: number; ioError?: string };

/** Output pieces a worker may have in flight before it waits for the main thread (4 MiB). */
const CREDITS = 8;
const PIECE = 1 << 19;

/**
 * Measured when a time-order worker still made an object per record (before the columnar merge):
 * V8's default young generation grew each worker by ~15 MB more, and two of them put a 1 GiB dump
 * at 204 MB peak RSS. At 16 MB: 30 MB less on 256 MB, ~10 % slower. Not re-measured since.
 */
const TIME_WORKER_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** How far a dump is: bytes read (framing, indexing) or records merged (time order). */
export type ProgressReport = { bytes: number } | { records: number; of: number };
/** A time-order dump reports its merge every 65,536 records (a mask: PROGRESS_EVERY + 1 is a power of two). */
export const PROGRESS_EVERY = 0xffff;

export interface DumpResult {
  records: number;
  problems: TraceProblem[];
  problemCount: number;
}

/**
 * Runs the dump on `job.workers` threads; `write` gets each piece of output in order (and may
 * return a promise to push back). Problems come from worker 0 (every worker frames everything).
 */
export async function parallelDump(job: DumpJob, write: (bytes: Uint8Array, written: () => void) => Promise<void> | undefined, onProgress?: (p: ProgressReport) => void): Promise<DumpResult> {
  // Bundled, this module is dist/cli.js; under tsx (the unit tests) it is this .ts file, which a
  // worker can load only through tsx's require hook.
  const entry = __filename;
  const start = (data: WorkerJob) =>
    entry.endsWith('.ts') ? new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, { eval: true, workerData: data }) : new Worker(entry, { workerData: data, resourceLimits: data.order === 'time' ? TIME_WORKER_LIMITS : undefined });
  const queues: FromWorker[][] = [];
  const wakers: (((m: FromWorker) => void) | undefined)[] = [];
  const failures: Error[] = [];
  let fail: ((e: Error) => void) | undefined;
  const workers = Array.from({ length: job.workers }, (_, me) => {
    queues.push([]);
    wakers.push(undefined);
    const w = start({ ...job, kind: 'xenscope-dump', me });
    w.on('message', (m: FromWorker) => {
      const wake = wakers[me];
      if (wake) {
        wakers[me] = undefined;
        wake(m);
      } else queues[me]!.push(m);
    });
    w.on('error', (e) => {
      failures.push(e);
      fail?.(e);
    });
    return w;
  });
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
    if (failures.length > 0) reject(failures[0]);
  });
  failed.catch(() => undefined);
  const next = (me: number): Promise<FromWorker> => {
    const queued = queues[me]!.shift();
    if (queued) return Promise.resolve(queued);
    return Promise.race([new Promise<FromWorker>((resolve) => (wakers[me] = resolve)), failed]);
  };
  try {
    let result: DumpResult | undefined;
    const done = new Set<number>();
    // Block k comes from worker k % N; a worker that is done before ending block k means the
    // file had fewer blocks.
    for (let block = 0; done.size < job.workers; ) {
      const me = block % job.workers;
      if (done.has(me)) break;
      const m = await next(me);
      if (m.kind === 'bytes') {
        // Once written, the buffer goes back to its worker with the credit: a fixed set of buffers
        // per worker (fresh ones each time left gigabytes of transferred memory for the GC).
        const buffer = m.bytes.buffer as ArrayBuffer;
        const wait = write(m.bytes, () => workers[me]!.postMessage(buffer, [buffer]));
        if (wait) await wait;
      } else if (m.kind === 'blockEnd') {
        if (m.block !== block) throw new Error(`worker ${me} ended block ${m.block} while block ${block} was being written`);
        block++;
      } else if (m.kind === 'progress') onProgress?.(m.report);
      else {
        done.add(me);
        if (me === 0) result = m;
      }
    }
    // The others have nothing left to write: collect their ends (and worker 0's result).
    for (let me = 0; me < job.workers; me++) {
      while (!done.has(me)) {
        const m = await next(me);
        if (m.kind === 'done') {
          done.add(me);
          if (me === 0) result = m;
        } else if (m.kind === 'bytes' || m.kind === 'blockEnd') throw new Error(`worker ${me} wrote past the end of the dump`);
      }
    }
    return { records: result!.records, problems: result!.problems, problemCount: result!.problemCount };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** A worker's output channel: `post` sends a piece once the main thread has room for it. */
function creditedPort(port: MessagePort): { post: (bytes: Uint8Array) => Promise<void>; spare: Buffer[] } {
  let credits = CREDITS;
  let creditWaiter: (() => void) | undefined;
  /** Buffers the main thread has written and sent back. */
  const spare: Buffer[] = [];
  port.on('message', (buffer: ArrayBuffer) => {
    if (buffer.byteLength === PIECE) spare.push(Buffer.from(buffer));
    credits++;
    creditWaiter?.();
    creditWaiter = undefined;
  });
  const post = async (bytes: Uint8Array) => {
    if (credits === 0) await new Promise<void>((resolve) => (creditWaiter = resolve));
    credits--;
    port.postMessage({ kind: 'bytes', bytes } satisfies FromWorker, [bytes.buffer as ArrayBuffer]);
  };
  return { post, spare };
}

/** The trace's reader, or undefined once the worker has reported why it cannot be read. */
async function openOrReport(file: string, port: MessagePort): Promise<PageReader | undefined> {
  const reader = await PageReader.open(file);
  if (reader instanceof PageReader) return reader;
  port.postMessage({ kind: 'done', records: 0, problems: [{ offset: 0, kind: 'truncated', message: reader.error }], problemCount: 1 } satisfies FromWorker);
  return undefined;
}

/** What both workers start with; undefined once the worker has reported that the trace cannot be read. */
async function startWorker(job: WorkerJob) {
  const port = parentPort!;
  const { post, spare } = creditedPort(port);
  const reader = await openOrReport(job.file, port);
  if (!reader) return undefined;
  const out = new ByteWriter(PIECE);
  const filter = job.events.length > 0 ? eventFilter(job.events) : undefined;
  /** Worker 0 reports progress (when asked): every worker reads the whole trace. */
  const reports = job.me === 0 && job.progress;
  return {
    port,
    post,
    spare,
    reader,
    out,
    text: new RecordTextWriter(out),
    accept: filter && !('error' in filter) ? filter : undefined,
    reports,
    onBytes: reports ? (bytes: number) => port.postMessage({ kind: 'progress', report: { bytes } } satisfies FromWorker) : undefined,
  };
}

/** The worker's side in file order: frames the whole file, formats its own blocks, posts them in order. */
async function runDumpWorker(job: WorkerJob): Promise<void> {
  const started = await startWorker(job);
  if (!started) return;
  const { port, post, spare, reader, out, text, accept, onBytes } = started;
  const problems: TraceProblem[] = [];
  let problemCount = 0;
  const words = new PayloadScratch();
  const N = job.workers;
  const B = job.blockRecords;
  /** The block being written, and where the next one's output starts in `out` (-1: not yet). */
  let block = job.me;
  let nextBlock = -1;
  let boundary = -1;
  const sink: FramerSink = {
    onProblem: (p) => {
      problemCount++;
      if (problems.length < 20) problems.push(p);
    },
    onRecord: (v) => {
      const b = Math.floor(v.index / B);
      // First records of windows are always seen; other workers' blocks are not ours.
      if (b % N !== job.me) return true;
      // Every record of our blocks is seen, so each block starts with its first index.
      if (v.index % B === 0 && !job.json) text.restartDeltas(framer.cpuTscStates(), v);
      if (b !== block) {
        boundary = out.pos;
        nextBlock = b;
      }
      if ((job.cpu === undefined || v.cpu === job.cpu) && (!accept || accept.test(v.event))) {
        if (job.json) writeViewJson(v, words, out);
        else text.view(v);
      }
      // Pause at a block's start (its end must be posted first) or when the buffer runs low.
      return boundary < 0 && out.free >= 8192;
    },
  };
  const framer = new TraceFramer(sink);
  framer.sampleEvery = N;
  framer.sampleBlock = B;
  framer.sampleFirst = job.me;
  const endBlocksBefore = (limit: number) => {
    for (; block < limit; block += N) port.postMessage({ kind: 'blockEnd', block } satisfies FromWorker);
  };
  let ioError: string | undefined;
  try {
    for (;;) {
      const summary = await scanTrace(reader, sink, { framer, onProgress: onBytes });
      ioError = summary.ioError;
      if (boundary >= 0) {
        // The previous block's bytes, its end (and the ends of ours in between, if empty), then
        // the new block's first record carries over.
        const all = out.take(spare.pop());
        out.raw(all.subarray(boundary));
        // Transferred, not copied: every buffer stays one of the worker's few (copies made new
        // ones at each block: 100 MB more RSS on a text dump).
        if (boundary > 0) await post(all.subarray(0, boundary));
        else spare.push(Buffer.from(all.buffer));
        endBlocksBefore(nextBlock);
        boundary = -1;
      } else if (out.pos > 0 && summary.stopped) await post(out.take(spare.pop()));
      if (!summary.stopped || ioError) break;
    }
    if (out.pos > 0) await post(out.take(spare.pop()));
  } finally {
    await reader.close();
  }
  const records = framer.recordIndex;
  endBlocksBefore(Math.ceil(records / B));
  if (ioError) sink.onProblem!({ offset: framer.pos, kind: 'truncated', message: ioError });
  port.postMessage({ kind: 'done', records, problems, problemCount } satisfies FromWorker);
}

/**
 * The worker's side in time order: indexes the file, runs the whole merge, formats the records of
 * its blocks (B printed records each; the others only move the text deltas on), posts them in order.
 */
async function runTimeDumpWorker(job: WorkerJob): Promise<void> {
  const started = await startWorker(job);
  if (!started) return;
  const { port, post, spare, reader, out, text, accept, reports, onBytes } = started;
  const index = await buildIndex(reader, { onProgress: onBytes }).finally(() => reader.close());
  const N = job.workers;
  const B = job.blockRecords;
  /** Our next block to end, the block being written (−1: none yet), records printed by all. */
  let toEnd = job.me;
  let writing = -1;
  let printed = 0;
  const endBlocksBefore = (limit: number) => {
    for (; toEnd < limit; toEnd += N) port.postMessage({ kind: 'blockEnd', block: toEnd } satisfies FromWorker);
  };
  // Records are formatted from the merge's head only for our blocks: the others are compared,
  // counted and (in text) move the deltas on, with no object made for them. The visitor stops
  // before a record of a new block of ours (the previous one's bytes and end go first) and before
  // one that might not fit; the merge shows that record again.
  let merged = 0;
  /** Counts a record the visitor took (not one it declines: that one comes again). */
  const took = (): true => {
    if ((++merged & PROGRESS_EVERY) === 0 && reports) port.postMessage({ kind: 'progress', report: { records: merged, of: index.records } } satisfies FromWorker);
    return true;
  };
  const visit = (h: TimeHead): boolean => {
    if (accept && !accept.test(h.event)) return took();
    const b = Math.floor(printed / B);
    if (b % N !== job.me) {
      printed++;
      if (!job.json) text.skipTsc(h.cpu, h.tscKnown, h.tscHi, h.tscLo);
      return took();
    }
    if ((b !== writing && (out.pos > 0 || toEnd < b)) || out.free < 8192) return false;
    writing = b;
    printed++;
    const r = h.record();
    if (job.json) writeRecordJson(r, out);
    else text.record(r);
    return took();
  };
  await TimeMerge.visitAll(job.file, index, { cpus: job.cpu === undefined ? undefined : [job.cpu] }, visit, async () => {
    if (out.pos > 0) await post(out.take(spare.pop()));
    endBlocksBefore(Math.floor(printed / B));
  });
  if (out.pos > 0) await post(out.take(spare.pop()));
  endBlocksBefore(Math.ceil(printed / B));
  port.postMessage({ kind: 'done', records: index.records, problems: index.problems.slice(0, 20), problemCount: index.problemCount } satisfies FromWorker);
}

if (!isMainThread && (workerData as Partial<WorkerJob> | undefined)?.kind === 'xenscope-dump') {
  const job = workerData as WorkerJob;
  void (job.order === 'time' ? runTimeDumpWorker(job) : runDumpWorker(job));
}
