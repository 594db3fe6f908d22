// `xenscope trace dump|stats`: the trace core on the command line.
import { availableParallelism } from 'node:os';
import { BufferedOutput } from './bufferedOutput';
import { parallelDump, PROGRESS_EVERY, type ProgressReport } from './parallelDump';
import type { CliCommand, CliIo } from './command';
import { UsageError } from './command';
import { PageReader } from '../core/xentrace/pageReader';
import { scanTrace } from '../core/xentrace/traceReader';
import { buildIndex } from '../core/xentrace/sparseIndex';
import { TimeMerge, type TimeHead } from '../core/xentrace/timeOrder';
import { StatsCollector } from '../core/xentrace/stats';
import { eventFilter } from '../core/xentrace/eventFilter';
import { RecordTextWriter } from '../core/xentrace/recordText';
import { writeRecordJson, writeViewJson } from '../core/xentrace/recordJson';
import { ByteWriter } from '../core/xentrace/byteWriter';
import { PayloadScratch, TraceFramer, type FramerSink, type TraceProblem } from '../core/xentrace/framer';

const USAGE = `usage: xenscope trace dump FILE [--order file|time] [--cpu N] [--event NAME|0xID|CLASS]… [--json] [--jobs N] [--[no-]progress]
       xenscope trace stats FILE [--json] [--[no-]progress]

dump   one record per line. Text: CPU, TSC (* = inherited from an earlier record
       on that CPU, - = none yet), delta to the previous record on that CPU, name,
       decoded fields. --json: JSON Lines with keys i, offset, cpu, tsc, tscInherited,
       event, name, extra, fields (and is64: true on 64-bit variants).
       --order time merges the CPUs by TSC (k-way merge, as xenalyze does).
       --event takes a name (TRC_PV_TRAP or PV_TRAP), an ID (0x00201003), a class
       (hvm, TRC_HVM, 0x0008f000) or a subclass (TRC_HVM_HANDLER, 0x00082000); repeatable.
stats  records per CPU, class, event and domain, lost records, first and last TSC,
       and an estimate of the TSC frequency when the trace has scheduler records.

--jobs N    threads formatting a dump without --event (default: up to 4 for
            files over 32 MiB, one per CPU; 1 for smaller ones). The output is
            the same.
--progress, --no-progress
            report progress on stderr, or never (default: when stderr is a
            terminal, from a run's first second on).
Exit status: 0 clean; 1 unreadable or not a trace, or problems found (records
before and after a problem are still printed; problems go to stderr with offsets).`;

type ProgressMode = 'on' | 'off' | 'auto';

interface Options {
  sub: 'dump' | 'stats';
  file: string;
  order: 'file' | 'time';
  cpu: number | undefined;
  events: string[];
  json: boolean;
  progress: ProgressMode;
  /** Worker threads for a file-order dump; undefined = by file size and CPUs. */
  jobs: number | undefined;
}

function parseArgs(args: string[]): Options {
  const [sub, ...rest] = args;
  if (sub !== 'dump' && sub !== 'stats') throw new UsageError(sub === undefined ? 'missing subcommand (dump or stats)' : `unknown subcommand '${sub}'`);
  const o: Options = { sub, file: '', order: 'file', cpu: undefined, events: [], json: false, progress: 'auto', jobs: undefined };
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k]!;
    const value = () => {
      const v = rest[++k];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--json') o.json = true;
    else if (a === '--progress') o.progress = 'on';
    else if (a === '--no-progress') o.progress = 'off';
    else if (a === '--order' && sub === 'dump') {
      const v = value();
      if (v !== 'file' && v !== 'time') throw new UsageError(`--order must be file or time, not '${v}'`);
      o.order = v;
    } else if (a === '--cpu' && sub === 'dump') {
      const v = value();
      if (!/^\d+$/.test(v)) throw new UsageError(`--cpu needs a CPU number, not '${v}'`);
      o.cpu = Number(v);
    } else if (a === '--event' && sub === 'dump') o.events.push(value());
    else if (a === '--jobs' && sub === 'dump') {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > 64) throw new UsageError(`--jobs needs a number of threads from 1 to 64, not '${v}'`);
      o.jobs = Number(v);
    }
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (o.file === '') o.file = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (o.file === '') throw new UsageError('missing FILE');
  return o;
}

/**
 * Progress lines on stderr: with --progress always; on a terminal, unasked, once a run has taken a
 * second. A run can have phases (a time-order dump indexes, then merges): each gets its own line.
 */
class Progress {
  private last = 0;
  private printed = false;
  readonly enabled: boolean;
  private readonly now: () => number;
  private readonly quietUntil: number;
  private unit: 'MiB' | 'M records' = 'MiB';
  constructor(
    private readonly io: CliIo,
    mode: ProgressMode,
    private total: number,
    private what: string,
  ) {
    this.now = io.now ?? Date.now;
    this.enabled = mode === 'on' || (mode === 'auto' && io.stderrIsTerminal === true);
    this.quietUntil = mode === 'auto' ? this.now() + 1000 : 0;
  }
  update(done: number): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now < this.quietUntil || now - this.last < 500) return;
    this.last = now;
    this.printed = true;
    this.io.stderr(this.line(done));
  }
  /** A report from a worker thread (parallelDump). */
  report(p: ProgressReport): void {
    if ('bytes' in p) this.update(p.bytes);
    else {
      this.phase('merging', p.of, 'M records');
      this.update(p.records);
    }
  }
  /** Starts the next phase (once): the previous one's line, if any, ends at 100 %. */
  phase(what: string, total: number, unit: 'MiB' | 'M records'): void {
    if (what === this.what) return;
    this.end();
    this.what = what;
    this.total = total;
    this.unit = unit;
    this.last = 0;
  }
  /** Ends a progress line that was started (at 100 %: the last report may be from 90 %). */
  end(): void {
    if (this.printed) this.io.stderr(`${this.line(this.total)}\n`);
    this.printed = false;
  }
  private line(done: number): string {
    const pct = this.total > 0 ? Math.floor((100 * done) / this.total) : 100;
    const amount = this.unit === 'MiB' ? `${(done / 1048576).toFixed(0)} of ${(this.total / 1048576).toFixed(0)}` : `${(done / 1e6).toFixed(1)} of ${(this.total / 1e6).toFixed(1)}`;
    return `\r${this.what}: ${pct}% (${amount} ${this.unit})`;
  }
}

function reportProblems(io: CliIo, problems: TraceProblem[], count: number, file: string): void {
  for (const p of problems.slice(0, 20)) io.stderr(`xenscope trace: ${file}: offset ${p.offset}: ${p.message}\n`);
  if (count > 20) io.stderr(`xenscope trace: ${file}: … and ${count - 20} more problems\n`);
}

/** Files from this size on are dumped by worker threads when the machine has several CPUs. */
const PARALLEL_FROM = 32 << 20;
/** Records per block of a parallel dump (~2 MB of output). */
const BLOCK_RECORDS = 8192;

async function dump(o: Options, io: CliIo, reader: PageReader): Promise<number> {
  const accept = o.events.length > 0 ? eventFilter(o.events) : undefined;
  if (accept && 'error' in accept) throw new UsageError(accept.error);
  const out = new BufferedOutput(io);
  const problems: TraceProblem[] = [];
  let problemCount = 0;
  const onProblem = (p: TraceProblem) => {
    problemCount++;
    if (problems.length < 20) problems.push(p);
  };
  // Lines are written as bytes and go to stdout in 256 KiB pieces (no string in between); a
  // line needs well under 8 KiB, so the buffer is handed over when less than that is free.
  const bytes = new ByteWriter(1 << 18);
  const roomFor = () => bytes.free >= 8192;
  const flush = () => (bytes.pos > 0 ? out.writeBytes(bytes.take()) : undefined);
  const text = new RecordTextWriter(bytes);
  const words = new PayloadScratch();
  const progress = new Progress(io, o.progress, reader.size, o.order === 'time' ? 'indexing' : 'reading');
  let records = 0;
  const jobs = o.jobs ?? (reader.size >= PARALLEL_FROM ? Math.min(availableParallelism(), 4) : 1);
  // With --event most records are framed (or merged) and dropped, and every worker would do that
  // for all of them; in file order text deltas are also to the previous printed record of a CPU,
  // which only one thread knows then.
  if (jobs > 1 && o.events.length === 0) {
    const r = await parallelDump(
      { file: o.file, order: o.order, json: o.json, cpu: o.cpu, events: o.events, progress: progress.enabled, workers: jobs, blockRecords: BLOCK_RECORDS },
      (b, written) => out.writeBytes(b, written),
      (p) => progress.report(p),
    );
    records = r.records;
    problemCount = r.problemCount;
    problems.push(...r.problems);
  } else if (o.order === 'file') {
    // Lines are written straight from the framer's view; the framer stops (and the output is
    // flushed) when the buffer runs low.
    const framerSink: FramerSink = {
      onProblem,
      onRecord: (v) => {
        records++;
        if (o.cpu !== undefined && v.cpu !== o.cpu) return true;
        if (accept && !accept.test(v.event)) return true;
        if (o.json) writeViewJson(v, words, bytes);
        else text.view(v);
        return roomFor();
      },
    };
    const framer = new TraceFramer(framerSink);
    for (;;) {
      const summary = await scanTrace(reader, framerSink, { framer, onProgress: (off) => progress.update(off) });
      const wait = flush();
      if (wait) await wait;
      if (summary.ioError) onProblem({ offset: summary.bytes, kind: 'truncated', message: summary.ioError });
      if (!summary.stopped || summary.ioError) break;
    }
  } else {
    const index = await buildIndex(reader, { onProgress: (off) => progress.update(off) });
    records = index.records;
    problemCount = index.problemCount;
    problems.push(...index.problems.slice(0, 20));
    progress.phase('merging', index.records, 'M records');
    let merged = 0;
    const took = (): true => {
      if ((++merged & PROGRESS_EVERY) === 0) progress.update(merged);
      return true;
    };
    // From the merge's head: a record --event drops is never made into an object.
    const visit = (h: TimeHead) => {
      if (accept && !accept.test(h.event)) return took();
      if (!roomFor()) return false; // not taken: shown again after the flush
      const r = h.record();
      if (o.json) writeRecordJson(r, bytes);
      else text.record(r);
      return took();
    };
    await TimeMerge.visitAll(o.file, index, { cpus: o.cpu === undefined ? undefined : [o.cpu] }, visit, flush);
  }
  await flush();
  await out.flush();
  progress.end();
  reportProblems(io, problems, problemCount, o.file);
  if (records === 0 && problemCount > 0) return 1;
  return problemCount > 0 ? 1 : 0;
}

async function stats(o: Options, io: CliIo, reader: PageReader): Promise<number> {
  const collector = new StatsCollector();
  const problems: TraceProblem[] = [];
  const progress = new Progress(io, o.progress, reader.size, 'reading');
  const summary = await scanTrace(
    reader,
    {
      onRecord: (v) => collector.onRecord(v),
      onProblem: (p) => {
        collector.onProblem(p);
        problems.push(p);
      },
    },
    { onProgress: (off) => progress.update(off) },
  );
  progress.end();
  const s = collector.result();
  if (o.json) io.stdout(JSON.stringify({ file: o.file, bytes: reader.size, ...s }, null, 2) + '\n');
  else {
    const lines: string[] = [`${o.file}: ${s.records} records, ${reader.size} bytes`];
    const table = (title: string, m: Record<string, number>, limit = 50) => {
      lines.push(`${title}:`);
      for (const [k, n] of Object.entries(m).slice(0, limit)) lines.push(`  ${String(n).padStart(10)}  ${k}`);
    };
    table('records per CPU', s.perCpu);
    table('records per class', s.perClass);
    table('records per event', s.perEvent);
    table('records per domain (running on the record\'s CPU)', s.perDomain);
    lines.push(`lost records: ${s.lostRecords.lost} records lost, reported by ${s.lostRecords.records} TRC_LOST_RECORDS`);
    lines.push(`first TSC: ${s.firstTsc ?? '-'}`, `last TSC: ${s.lastTsc ?? '-'}`);
    if (s.tscHz) {
      const secs = s.firstTsc && s.lastTsc ? Number(BigInt(s.lastTsc) - BigInt(s.firstTsc)) / s.tscHz.estimate : 0;
      lines.push(`TSC frequency: ~${(s.tscHz.estimate / 1e9).toFixed(3)} GHz (${s.tscHz.samples} samples), trace spans ~${secs.toFixed(3)} s`);
    } else lines.push('TSC frequency: no estimate (needs SCHED_SWITCH and SWITCH_INFPREV records)');
    io.stdout(lines.join('\n') + '\n');
  }
  const count = problems.length + (summary.ioError ? 1 : 0);
  if (summary.ioError) problems.push({ offset: summary.bytes, kind: 'truncated', message: summary.ioError });
  reportProblems(io, problems, count, o.file);
  return count > 0 ? 1 : 0;
}

export const traceCommand: CliCommand = {
  summary: 'decode binary xentrace files: dump records, statistics',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const o = parseArgs(args);
    const reader = await PageReader.open(o.file);
    if (!(reader instanceof PageReader)) {
      io.stderr(`xenscope trace: ${reader.error}\n`);
      return 1;
    }
    try {
      if (reader.size === 0) {
        io.stderr(`xenscope trace: ${o.file} is empty: expected a xentrace file starting with a CPU_CHANGE record (03 f0 01 20)\n`);
        return 1;
      }
      return o.sub === 'dump' ? await dump(o, io, reader) : await stats(o, io, reader);
    } finally {
      await reader.close();
    }
  },
};
