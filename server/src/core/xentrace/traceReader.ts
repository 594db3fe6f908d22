// Drives the framer over a paged file or an in-memory buffer, in file order.
import { FeedStatus, MAX_RECORD, TraceFramer, type FramerSink, type RecordView, type TraceProblem } from './framer';
import type { PageReader } from './pageReader';
import { TraceRecord } from './record';

export interface ScanSummary {
  /** Bytes interpreted. */
  bytes: number;
  /** True when the sink paused the scan (the rest of the file was not read). */
  stopped: boolean;
  /** Set when the file could not be read (I/O error); the scan stops there. */
  ioError?: string;
}

export interface ScanOptions {
  /** Called after each chunk with the offset reached. */
  onProgress?: (offset: number) => void;
  /** Start from this framer (already positioned by seekWindow/seekRecord). */
  framer?: TraceFramer;
}

/** Copies the record under a view into a TraceRecord (fields are decoded later, on demand). */
export function recordFromView(v: RecordView): TraceRecord {
  const extra = new Array<number>(v.nWords);
  for (let k = 0; k < v.nWords; k++) extra[k] = v.buf.readUInt32LE(v.payloadAt + 4 * k);
  return new TraceRecord(v.index, v.offset, v.cpu, v.header, v.tscHi, v.tscLo, v.tscKnown, !v.hasTsc && v.tscKnown, extra);
}

/** Streams the whole file through `sink`, chunk by chunk. Never throws. */
export async function scanTrace(reader: PageReader, sink: FramerSink, options: ScanOptions = {}): Promise<ScanSummary> {
  const framer = options.framer ?? new TraceFramer(sink);
  // A window listed by the index pass may be asked for whole: as much as the reader can carry over.
  framer.wholeWindowBytes = reader.tailRoom;
  try {
    for (;;) {
      const chunk = await reader.chunkAt(framer.pos, Math.max(MAX_RECORD, framer.needBytes), true);
      framer.needBytes = 0;
      const status = framer.feed(chunk.buf, chunk.base, chunk.eof);
      options.onProgress?.(framer.pos);
      if (status === FeedStatus.Done || status === FeedStatus.WindowEnd) return { bytes: framer.pos, stopped: false };
      if (status === FeedStatus.Paused) return { bytes: framer.pos, stopped: true };
    }
  } catch (err) {
    return { bytes: framer.pos, stopped: true, ioError: `read error at offset ${framer.pos}: ${(err as Error).message}` };
  }
}

/** The same over bytes already in memory (pasted dumps, tests). */
export function scanTraceBuffer(buf: Buffer, sink: FramerSink): ScanSummary {
  const framer = new TraceFramer(sink);
  for (;;) {
    const status = framer.feed(buf.subarray(framer.pos), framer.pos, true);
    if (status !== FeedStatus.Paused) return { bytes: framer.pos, stopped: false };
  }
}

/** Decodes all records of an in-memory trace (small inputs only). */
export function readTraceBuffer(buf: Buffer): { records: TraceRecord[]; problems: TraceProblem[] } {
  const records: TraceRecord[] = [];
  const problems: TraceProblem[] = [];
  scanTraceBuffer(buf, { onRecord: (v) => void records.push(recordFromView(v)), onProblem: (p) => void problems.push(p) });
  return { records, problems };
}

export type RecordOrProblem = TraceRecord | TraceProblem;

/** File-order records and problems, in batches so awaiting stays off the per-record path. */
export async function* iterateRecords(reader: PageReader, framer?: TraceFramer, batch = 4096): AsyncGenerator<RecordOrProblem> {
  const out: RecordOrProblem[] = [];
  const sink: FramerSink = {
    onRecord: (v) => {
      out.push(recordFromView(v));
      return out.length < batch;
    },
    onProblem: (p) => void out.push(p),
  };
  const f = framer ?? new TraceFramer(sink);
  if (framer) framer.setSink(sink);
  for (;;) {
    let status: FeedStatus;
    try {
      const chunk = await reader.chunkAt(f.pos, MAX_RECORD);
      status = f.feed(chunk.buf, chunk.base, chunk.eof);
    } catch (err) {
      out.push({ offset: f.pos, kind: 'truncated', message: `read error at offset ${f.pos}: ${(err as Error).message}` });
      status = FeedStatus.Done;
    }
    if (out.length > 0) {
      const items = out.splice(0, out.length);
      yield* items;
    }
    if (status === FeedStatus.Done || status === FeedStatus.WindowEnd) return;
  }
}

export function isProblem(x: RecordOrProblem): x is TraceProblem {
  return !(x instanceof TraceRecord);
}
