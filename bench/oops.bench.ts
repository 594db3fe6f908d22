// `node --import tsx bench/oops.bench.ts`: log parsing throughput, symbol-table load and lookup
// speed, and batch symbolization against one plain llvm-symbolizer run over the same addresses.
// Data is generated under os.tmpdir() and removed afterwards.
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseLog } from '../server/src/core/oops/reports';
import { loadSymbolFile } from '../server/src/core/symbols/loaders';
import { Symbolizer } from '../server/src/core/symbols/symbolizer';

const ROOT = path.resolve(__dirname, '..');
const LOGS = path.join(ROOT, 'test/fixtures/oops/logs');
const SYM = path.join(ROOT, 'test/fixtures/oops/symbols');
const TARGET_MB = Number(process.env.OOPS_BENCH_MB ?? 100);

function ms(t0: number): number {
  return performance.now() - t0;
}

async function parseThroughput(dir: string): Promise<void> {
  const corpus = fs.readdirSync(LOGS).sort().map((f) => fs.readFileSync(path.join(LOGS, f), 'utf8')).join('\n');
  const file = path.join(dir, 'big.log');
  const fd = fs.openSync(file, 'w');
  let size = 0;
  while (size < TARGET_MB * 1e6) {
    fs.writeSync(fd, corpus);
    size += Buffer.byteLength(corpus);
  }
  fs.closeSync(fd);
  const t0 = performance.now();
  const text = fs.readFileSync(file, 'utf8');
  const tRead = ms(t0);
  const heap0 = process.memoryUsage().heapUsed;
  const t1 = performance.now();
  const log = parseLog(text);
  const tParse = ms(t1);
  const heap = process.memoryUsage().heapUsed - heap0;
  const mb = size / 1e6;
  console.log(`parse: ${mb.toFixed(0)} MB (${log.lineCount} lines) built from ${fs.readdirSync(LOGS).length} fixture logs`);
  console.log(`  read ${tRead.toFixed(0)} ms; parseLog ${tParse.toFixed(0)} ms = ${(mb / (tParse / 1000)).toFixed(0)} MB/s; ${log.reports.length} reports, ${log.frames.length} frames`);
  console.log(`  heap growth during parse ${(heap / 1e6).toFixed(0)} MB = ${(heap / size).toFixed(2)}× the log (goal < 5×)`);
  fs.rmSync(file);
}

/** A log shaped like a long-running host's dmesg: boot and driver chatter, a report now and then. */
async function sparseThroughput(dir: string): Promise<void> {
  // lines 3–460 of the dom0 capture are boot messages (before the first sysrq); every 4 MB the
  // whole fixture corpus (all reports) is inserted once
  const boot = fs.readFileSync(path.join(LOGS, 'xen-4.17-qemu-dom0-6.1.0-56-sysrq.txt'), 'utf8').split('\n').slice(2, 460).join('\n') + '\n';
  const corpus = fs.readdirSync(LOGS).sort().map((f) => fs.readFileSync(path.join(LOGS, f), 'utf8')).join('\n') + '\n';
  const file = path.join(dir, 'sparse.log');
  const fd = fs.openSync(file, 'w');
  let size = 0;
  let sinceReports = 0;
  while (size < TARGET_MB * 1e6) {
    fs.writeSync(fd, boot);
    size += boot.length;
    sinceReports += boot.length;
    if (sinceReports > 4e6) {
      fs.writeSync(fd, corpus);
      size += corpus.length;
      sinceReports = 0;
    }
  }
  fs.closeSync(fd);
  const text = fs.readFileSync(file, 'utf8');
  const t1 = performance.now();
  const log = parseLog(text);
  const tParse = ms(t1);
  const mb = size / 1e6;
  console.log(`parse (sparse dmesg): ${mb.toFixed(0)} MB (${log.lineCount} lines), parseLog ${tParse.toFixed(0)} ms = ${(mb / (tParse / 1000)).toFixed(0)} MB/s; ${log.reports.length} reports, ${log.frames.length} frames`);
  fs.rmSync(file);
}

async function symbolTables(): Promise<void> {
  const file = path.join(SYM, 'System.map-6.1.0-56-amd64.gz');
  let best = Infinity;
  let table = await loadSymbolFile(file);
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    table = await loadSymbolFile(file);
    best = Math.min(best, ms(t0));
  }
  console.log(`symbols: System.map-6.1.0-56-amd64.gz, ${table.count} symbols: load (gunzip + parse + index) best of 5 = ${best.toFixed(0)} ms`);
  const n = 2_000_000;
  // addresses a few bytes into symbols spread over the whole table (code and data alike)
  const addrs = new Array<bigint>(1000);
  for (let i = 0; i < addrs.length; i++) addrs[i] = table.addressAt((i * 7919) % table.count) + 3n;
  let hits = 0;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) if (table.lookup(addrs[i % 1000])) hits++;
  const t = ms(t0);
  console.log(`  address → sym+off/size: ${(n / (t / 1000) / 1e6).toFixed(2)} M lookups/s (${hits} hits of ${n})`);
  const names = addrs.map((a) => table.lookup(a)?.name).filter((x): x is string => x !== undefined);
  const t2 = performance.now();
  table.symbolsNamed(names[0]); // builds the name index once
  const tIndex = ms(t2);
  const t3 = performance.now();
  let found = 0;
  for (let i = 0; i < n; i++) if (table.symbolsNamed(names[i % names.length]).length > 0) found++;
  console.log(`  name index built in ${tIndex.toFixed(0)} ms; name → symbols: ${(n / (ms(t3) / 1000) / 1e6).toFixed(2)} M lookups/s (${found})`);
}

function buildBigElf(dir: string): string | undefined {
  if (spawnSync('gcc', ['--version']).error) return undefined;
  // many functions with an inline helper each, so that there are thousands of distinct addresses
  const parts = ['volatile int sink;'];
  for (let i = 0; i < 3000; i++) {
    parts.push(`static inline __attribute__((always_inline)) int h${i}(int x) { sink = x * ${i + 3}; return sink + ${i}; }`);
    parts.push(`__attribute__((noinline)) int f${i}(int x) { int r = h${i}(x + 1); sink = r; return r * 2; }`);
  }
  parts.push('int main(int c, char **v) { (void)v; return f0(c) + f2999(c); }');
  const src = path.join(dir, 'big.c');
  fs.writeFileSync(src, parts.join('\n'));
  const out = path.join(dir, 'big.elf');
  const r = spawnSync('gcc', ['-g', '-O2', '-o', out, src], { encoding: 'utf8' });
  return r.status === 0 ? out : undefined;
}

async function symbolization(dir: string): Promise<void> {
  const elf = buildBigElf(dir);
  if (!elf || spawnSync('llvm-symbolizer', ['--version']).error) {
    console.log('symbolize: skipped (needs gcc and llvm-symbolizer)');
    return;
  }
  const nm = spawnSync('nm', ['-n', '--defined-only', elf], { encoding: 'utf8' }).stdout.split('\n').filter((l) => / [tT] f\d+$/.test(l));
  const addrs: bigint[] = [];
  for (const l of nm) {
    const a = BigInt('0x' + l.split(' ')[0]);
    addrs.push(a + 1n, a + 5n);
  }
  const input = addrs.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
  // reference: one plain llvm-symbolizer run over the same addresses
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const p = spawn('llvm-symbolizer', ['--obj=' + elf, '--inlines', '--functions=linkage']);
    p.stdout.resume();
    p.on('close', () => resolve());
    p.stdin.end(input);
  });
  const tRef = ms(t0);
  const ours: Record<string, number> = {};
  for (const tool of ['llvm-symbolizer', 'addr2line'] as const) {
    const s = new Symbolizer({ tool });
    const t1 = performance.now();
    const chains = await s.resolve(elf, addrs);
    const tFirst = ms(t1);
    const t2 = performance.now();
    await s.resolve(elf, addrs.slice(0, 430));
    const tWarm = ms(t2);
    s.dispose();
    const withInline = chains.filter((c) => c.length > 1).length;
    ours[tool] = tFirst;
    console.log(`symbolize (${tool}, long-lived): ${addrs.length} addresses in ${tFirst.toFixed(0)} ms (process start included), ${withInline} with inline chains; ` +
      `then 430 more in ${tWarm.toFixed(1)} ms on the warm process`);
  }
  console.log(`  one plain llvm-symbolizer run over the same ${addrs.length} addresses: ${tRef.toFixed(0)} ms; ` +
    `ratio ours/plain: llvm-symbolizer ${(ours['llvm-symbolizer'] / tRef).toFixed(2)}×, addr2line ${(ours.addr2line / tRef).toFixed(2)}× (goal ≤ 1.5×)`);
}

async function mainBench(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-oops-bench-'));
  try {
    await parseThroughput(dir);
    await sparseThroughput(dir);
    await symbolTables();
    await symbolization(dir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void mainBench();
