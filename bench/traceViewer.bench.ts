// Trace viewer benchmark, through the bundled language server over stdio (what the extension
// host talks to): a ≥ 1 GiB synthetic trace (test/xentrace-gen) under os.tmpdir(), deleted after.
// Prints: open → first rows, index build (and the core's own buildIndex on the same file for the
// ratio), jump to the last record (file order, and by TSC through the time-order merge), a filter
// over the whole file, and the server's peak RSS. Targets (issue 7): first rows < 1 s whatever
// the size, last record < 200 ms, index at the core's speed, filter ≥ 10 M records/s, < 300 MB.
// Run: node --import tsx bench/traceViewer.bench.ts [--gib N] [--keep]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PageReader } from '../server/src/core/xentrace/pageReader';
import { buildIndex } from '../server/src/core/xentrace/sparseIndex';
import {
  TraceFilterProgressNotification,
  TraceFilterStartRequest,
  TraceIndexProgressNotification,
  TraceJumpRequest,
  TraceOpenRequest,
  TraceRowsRequest,
  type TraceFilterProgress,
  type TraceIndexProgress,
} from '../server/src/protocol/traceViewer';
import { startServer } from '../test/lsp/lspClient';
import { writeLargeTrace } from '../test/xentrace-gen/synthetic';

const arg = (name: string) => {
  const k = process.argv.indexOf(name);
  return k >= 0 ? process.argv[k + 1] : undefined;
};
const GIB = Number(arg('--gib') ?? 1);
const KEEP = process.argv.includes('--keep');

function peakRssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

const ms = (from: number) => performance.now() - from;
const fmt = (n: number) => n.toFixed(0);

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-bench-viewer-'));
  const file = path.join(dir, 'big.xentrace');
  try {
    const t0 = performance.now();
    const { records, bytes } = await writeLargeTrace(file, Math.round(GIB * 1024 ** 3));
    console.log(`trace: ${(bytes / 1024 ** 3).toFixed(2)} GiB, ${records.toLocaleString()} records, 8 CPUs (written in ${(ms(t0) / 1000).toFixed(1)} s)`);

    const lsp = await startServer({});
    const progress: TraceIndexProgress[] = [];
    let indexed!: () => void;
    const indexDone = new Promise<void>((resolve) => (indexed = resolve));
    let detailed!: () => void;
    const detailsDone = new Promise<void>((resolve) => (detailed = resolve));
    lsp.connection.onNotification(TraceIndexProgressNotification, (p) => {
      progress.push(p);
      if (p.done) indexed();
      if (p.detailsDone) detailed();
    });
    let filterDone!: (p: TraceFilterProgress) => void;
    const filtered = new Promise<TraceFilterProgress>((resolve) => (filterDone = resolve));
    lsp.connection.onNotification(TraceFilterProgressNotification, (p) => {
      if (p.done) filterDone(p);
    });

    // Open → first screenful of rows, as the webview asks: again until 50 rows come back.
    const opened = performance.now();
    const { session } = await lsp.connection.sendRequest(TraceOpenRequest, { path: file });
    let first = 0;
    for (;;) {
      const r = await lsp.connection.sendRequest(TraceRowsRequest, { session, start: 0, count: 50 });
      if (r.rows.length === 50) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    first = ms(opened);
    console.log(`open → first 50 rows: ${fmt(first)} ms (target < 1000 ms)`);

    await indexDone;
    const last = progress[progress.length - 1]!;
    const indexMs = last.indexMs ?? ms(opened);
    console.log(`index in the server: ${fmt(indexMs)} ms, ${(last.records / indexMs / 1000).toFixed(2)} M records/s, ${(bytes / 1048576 / (indexMs / 1000)).toFixed(0)} MiB/s, ${progress.length} progress notifications`);
    if (last.records !== records) throw new Error(`indexed ${last.records} records, wrote ${records}`);
    const j0 = performance.now();
    const tail = await lsp.connection.sendRequest(TraceRowsRequest, { session, start: records - 50, count: 50 });
    const tailMs = ms(j0);
    console.log(`jump to the last record (rows ${records - 50}…${records - 1}): ${tailMs.toFixed(1)} ms (target < 200 ms; the details pass is running meanwhile)`);
    await detailsDone;
    const detailsMs = progress[progress.length - 1]!.detailsMs ?? 0;
    console.log(`details pass (statistics, domains, density) after the index: ${fmt(detailsMs)} ms, ${(records / detailsMs / 1000).toFixed(2)} M records/s`);

    // The core's own index build on the same (now cached) file, for the ratio.
    const c0 = performance.now();
    const reader = await PageReader.open(file);
    if (!(reader instanceof PageReader)) throw new Error(reader.error);
    const coreIndex = await buildIndex(reader);
    await reader.close();
    const coreMs = ms(c0);
    if (coreIndex.records !== records) throw new Error(`core indexed ${coreIndex.records} records`);
    console.log(`core buildIndex alone (this process): ${fmt(coreMs)} ms → viewer index/core = ${(indexMs / coreMs).toFixed(2)}`);
    // The same pass plus the core's statistics, bundled, in its own process: \`xenscope trace stats\`.
    const s0 = performance.now();
    const cli = spawnSync(process.execPath, [path.join(__dirname, '..', 'dist', 'cli.js'), 'trace', 'stats', file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const statsMs = ms(s0);
    if (cli.status !== 0) throw new Error(`xenscope trace stats failed: ${cli.stderr}`);
    console.log(`\`xenscope trace stats\` (index + statistics, bundled): ${fmt(statsMs)} ms → viewer index + details / that = ${((indexMs + detailsMs) / statsMs).toFixed(2)}`);

    const i0 = performance.now();
    await lsp.connection.sendRequest(TraceRowsRequest, { session, start: records - 50, count: 50 });
    console.log(`jump to the last record again, server idle: ${ms(i0).toFixed(1)} ms`);
    const lastTsc = tail.rows[tail.rows.length - 1]?.tsc;
    if (lastTsc) {
      const k0 = performance.now();
      const j = await lsp.connection.sendRequest(TraceJumpRequest, { session, to: { tsc: lastTsc } });
      console.log(`jump to the last TSC (time-order merge over 8 CPUs): ${ms(k0).toFixed(1)} ms → record ${j.i}`);
    }

    const f0 = performance.now();
    const started = await lsp.connection.sendRequest(TraceFilterStartRequest, { session, filter: { events: ['TRC_SCHED_SWITCH'] } });
    if (!started.filter) throw new Error(started.error);
    const done = await filtered;
    const wall = ms(f0);
    console.log(`filter (event TRC_SCHED_SWITCH) over the whole file: ${fmt(wall)} ms, ${(records / wall / 1000).toFixed(2)} M records/s, ${done.matches.toLocaleString()} matches (target ≥ 10 M records/s)`);
    const rss = peakRssMb(lsp.server.pid!);
    console.log(`server peak RSS: ${rss.toFixed(0)} MB (target for extension host + webview: < 300 MB; the server is a separate process)`);
    await lsp.close();
  } finally {
    if (KEEP) console.log(`kept ${file}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
