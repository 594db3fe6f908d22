import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../server/src/cli';
import { syntheticTrace } from '../../xentrace-gen/synthetic';

const ROOT = path.join(__dirname, '../../..');
const S1 = path.join(ROOT, 'test/fixtures/xentrace/xentrace-parser-rs-example.bin');
const LOST = path.join(ROOT, 'test/fixtures/xentrace/xen-4.17-qemu-all-smallbuf-lost-records.head.trace');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-trace-cli-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('xenscope trace dump', () => {
  it('--json: one object per record with exactly the contract keys', async () => {
    const { code, out } = await run('trace', 'dump', S1, '--json', '--cpu', '7');
    assert.equal(code, 0);
    const lines = out.trimEnd().split('\n');
    assert.equal(lines.length, 8688); // CPU 7's records (independent window walk)
    const first = JSON.parse(lines[0]!);
    assert.deepEqual(Object.keys(first), ['i', 'offset', 'cpu', 'tsc', 'tscInherited', 'event', 'name', 'extra', 'fields']);
    assert.equal(first.cpu, 7);
    for (const l of lines) {
      const o = JSON.parse(l);
      assert.match(o.event, /^0x[0-9a-f]{8}$/);
      for (const w of o.extra) assert.match(w, /^0x[0-9a-f]{8}$/);
    }
  });

  it('--json first record of the file matches the bytes (xxd 0000000c: 0680 02a0 9dc8 1055 e82d …)', async () => {
    const { out } = await run('trace', 'dump', S1, '--json', '--event', 'TRC_SCHED_BLOCK');
    const o = JSON.parse(out.split('\n')[0]!);
    assert.deepEqual(o, {
      i: 0,
      offset: 12,
      cpu: 0,
      tsc: '50475882825885',
      tscInherited: false,
      event: '0x00028006',
      name: 'TRC_SCHED_BLOCK',
      extra: ['0x00000000', '0x00000002'],
      fields: { domid: 0, vcpuid: 2 },
    });
  });

  it('64-bit variants keep the base name and add "is64": true; inherited TSCs are flagged', async () => {
    const { out } = await run('trace', 'dump', S1, '--json', '--event', 'hvm');
    const objs = out.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(objs.length, 26865); // TRC_HVM records (independent walk)
    const exit = objs.find((o) => o.event === '0x00081102');
    assert.equal(exit.name, 'TRC_HVM_VMX_EXIT');
    assert.equal(exit.is64, true);
    const handler = objs.find((o) => o.event === '0x00082004');
    assert.equal(handler.tscInherited, true);
  });

  it('--event by ID and by subclass; text form shows CPU, TSC, delta, name, fields', async () => {
    const byId = await run('trace', 'dump', S1, '--event', '0x0002800e');
    assert.equal(byId.out.trimEnd().split('\n').length, 10082);
    const first = byId.out.split('\n')[0]!;
    assert.match(first, /^CPU0 50475882832692 \(\+\s+0\) TRC_SCHED_SWITCH_INFPREV domid=0 \(d0\) vcpu=2 runtime=4301869/);
    const sub = await run('trace', 'dump', S1, '--event', 'TRC_HVM_ENTRYEXIT');
    assert.equal(sub.out.trimEnd().split('\n').length, 5873 * 2);
  });

  it('a record before any TSC on its CPU has "tsc": null; a later TSC-less one inherits', async () => {
    const file = path.join(dir, 'syn.trace');
    const { buf, written } = syntheticTrace({ seed: 4, windows: 8, cpus: 4 });
    fs.writeFileSync(file, buf);
    const objs = (await run('trace', 'dump', file, '--json')).out.trimEnd().split('\n').map((l) => JSON.parse(l));
    assert.equal(objs.length, written.length);
    // The generator starts each CPU's first window with a TSC-less INJ_VIRQ (0x00082004, vector 0x20).
    assert.deepEqual(objs[0], {
      i: 0, offset: 12, cpu: 0, tsc: null, tscInherited: false, event: '0x00082004', name: 'TRC_HVM_INJ_VIRQ',
      extra: ['0x00000020', '0x00000000'], fields: { vector: '0x20', fake: 0 },
    });
    const later = objs.find((o, k) => k > 0 && o.event === '0x00082004' && o.cpu === 0);
    assert.equal(later.tscInherited, true);
    assert.equal(typeof later.tsc, 'string');
  });

  it('--order time prints non-decreasing TSCs', async () => {
    const { code, out } = await run('trace', 'dump', S1, '--json', '--order', 'time', '--event', 'TRC_SCHED_SWITCH');
    assert.equal(code, 0);
    const tscs = out.trimEnd().split('\n').map((l) => BigInt(JSON.parse(l).tsc));
    assert.equal(tscs.length, 10082);
    for (let k = 1; k < tscs.length; k++) assert.ok(tscs[k]! >= tscs[k - 1]!);
  });

  it('bad input: not a trace, empty, missing, truncated, bad options', async () => {
    const elf = path.join(dir, 'elf');
    fs.writeFileSync(elf, Buffer.from('7f454c4602010100', 'hex'));
    const a = await run('trace', 'dump', elf);
    assert.equal(a.code, 1);
    assert.match(a.err, /offset 0: not a xentrace file: expected a CPU_CHANGE record \(bytes 03 f0 01 20\) at offset 0, found 7f 45 4c 46/);
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '');
    assert.match((await run('trace', 'stats', empty)).err, /is empty/);
    assert.equal((await run('trace', 'dump', path.join(dir, 'nope'))).code, 1);
    const { buf, written } = syntheticTrace({ seed: 2, windows: 4 });
    const cut = path.join(dir, 'cut');
    fs.writeFileSync(cut, buf.subarray(0, buf.length - 6));
    const t = await run('trace', 'dump', cut, '--json');
    assert.equal(t.code, 1);
    assert.equal(t.out.trimEnd().split('\n').length, written.length - 1);
    assert.match(t.err, /truncated|file ends/);
    assert.equal((await run('trace', 'dump', S1, '--order', 'sideways')).code, 2);
    assert.equal((await run('trace', 'frobnicate')).code, 2);
  });
});

describe('progress', () => {
  it('--progress reports on stderr; without it stderr stays empty', async () => {
    const withP = await run('trace', 'stats', S1, '--progress');
    assert.match(withP.err, /reading: \d+% \(\d+ of 4 MiB\)/);
    assert.equal((await run('trace', 'stats', S1)).err, '');
  });

  /** Runs with stderr on a terminal and a clock that moves `step` ms each time it is read. */
  async function onTerminal(step: number, ...argv: string[]): Promise<string> {
    let err = '';
    let t = Date.now(); // a real clock's values: the first report is not held back by the 500 ms throttle
    await main(argv, { stdout: () => undefined, stderr: (s) => void (err += s), stderrIsTerminal: true, now: () => (t += step) });
    return err;
  }

  it('on a terminal, unasked: nothing for a run under a second, progress once it takes longer; --no-progress never', async () => {
    assert.equal(await onTerminal(1, 'trace', 'stats', S1), '');
    assert.match(await onTerminal(700, 'trace', 'stats', S1), /^\rreading: \d+% \(\d+ of 4 MiB\)[^]*\n$/);
    // A time-order dump: the index pass's line, then the merge's, each ending at 100 %.
    const time = await onTerminal(700, 'trace', 'dump', S1, '--order', 'time', '--json');
    assert.match(time, /^\rindexing: \d+% [^]*\rindexing: 100% \(4 of 4 MiB\)\n\rmerging: \d+% \([\d.]+ of 0\.2 M records\)[^]*\rmerging: 100% \(0\.2 of 0\.2 M records\)\n$/);
    assert.equal(await onTerminal(700, 'trace', 'stats', S1, '--no-progress'), '');
  });
});

describe('xenscope trace stats', () => {
  it('--json on the lost-records slice: per CPU, class, event, domain, lost, TSC range', async () => {
    const { code, out } = await run('trace', 'stats', LOST, '--json');
    assert.equal(code, 0);
    const s = JSON.parse(out);
    assert.equal(s.records, 74347);
    assert.deepEqual(s.perCpu, { 0: 34898, 1: 39449 });
    assert.equal(s.lostRecords.records, 35);
    assert.equal(s.perEvent.TRC_PV_HYPERCALL_V2, 48539);
    assert.ok(s.perClass.TRC_PV > 0 && s.perClass.TRC_SCHED > 0);
    assert.ok(Object.keys(s.perDomain).length > 0);
    assert.ok(BigInt(s.lastTsc) > BigInt(s.firstTsc));
  });
  it('text form on the 8-CPU trace estimates ~2.797 GHz', async () => {
    const { out } = await run('trace', 'stats', S1);
    assert.match(out, /TSC frequency: ~2\.797 GHz \(4107 samples\)/);
  });
});

describe('built CLI (node dist/cli.js)', () => {
  before(() => {
    const cli = path.join(ROOT, 'dist/cli.js');
    const srcs = ['server/src/cli.ts', 'server/src/cli/trace.ts', ...fs.readdirSync(path.join(ROOT, 'server/src/core/xentrace'), { recursive: true, encoding: 'utf8' }).map((f) => `server/src/core/xentrace/${f}`)];
    const newest = Math.max(...srcs.map((f) => fs.statSync(path.join(ROOT, f)).mtimeMs));
    if (!fs.existsSync(cli) || fs.statSync(cli).mtimeMs < newest) {
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(b.status, 0, b.stderr);
    }
  });
  it('dumps JSON and exits 0; survives a closed pipe', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'trace', 'dump', S1, '--json', '--event', '0x00081102'], { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trimEnd().split('\n').length, 5873);
    const head = spawnSync('sh', ['-c', `"${process.execPath}" "${path.join(ROOT, 'dist/cli.js')}" trace dump "${S1}" | head -1`], { encoding: 'utf8' });
    assert.match(head.stdout, /^CPU0 50475882825885/);
    assert.doesNotMatch(head.stderr, /EPIPE|internal error/);
  });
});
