// One open trace file for a viewer: the paged reader and the sparse index together, with
// random access by record number and by TSC. Everything is reported, nothing is thrown.
import { PageReader } from './pageReader';
import { buildIndex, readRecordsAt, type SparseIndex } from './sparseIndex';
import { firstRecordAtOrAfter, timeOrdered } from './timeOrder';
import type { TraceProblem } from './framer';
import type { TraceRecord } from './record';
import { StatsCollector, type TraceStats } from './stats';

export class TraceFile {
  private constructor(
    readonly path: string,
    private readonly reader: PageReader,
    readonly index: SparseIndex,
    readonly stats: TraceStats,
  ) {}

  /** Opens and indexes `path` in one streaming pass (with statistics); resolves to an error message on failure. */
  static async open(path: string, options: { every?: number; onProgress?: (offset: number, size: number) => void } = {}): Promise<TraceFile | { error: string }> {
    const reader = await PageReader.open(path);
    if (!(reader instanceof PageReader)) return reader;
    if (reader.size === 0) {
      await reader.close();
      return { error: `${path} is empty: expected a xentrace file starting with a CPU_CHANGE record (03 f0 01 20)` };
    }
    const stats = new StatsCollector();
    const index = await buildIndex(reader, { every: options.every, also: stats, onProgress: (off) => options.onProgress?.(off, reader.size) });
    return new TraceFile(path, reader, index, stats.result());
  }

  get recordCount(): number {
    return this.index.records;
  }

  /** Problems found while indexing (the first 1000; `problemCount` has the total). */
  get problems(): readonly TraceProblem[] {
    return this.index.problems;
  }

  get problemCount(): number {
    return this.index.problemCount;
  }

  /** Records i … i+count−1 in file order. */
  records(i: number, count = 1): Promise<TraceRecord[]> {
    return readRecordsAt(this.reader, this.index, i, count);
  }

  /** Records in time order, from the start or from the first at or after `fromTsc`. */
  timeOrdered(fromTsc?: bigint, cpus?: number[]): AsyncGenerator<TraceRecord> {
    return timeOrdered(this.path, this.index, { fromTsc, cpus });
  }

  firstAtOrAfter(tsc: bigint): Promise<TraceRecord | undefined> {
    return firstRecordAtOrAfter(this.path, this.index, tsc);
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
