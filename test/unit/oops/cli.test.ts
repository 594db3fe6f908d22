import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { main } from '../../../server/src/cli';
import { parseLog } from '../../../server/src/core/oops/reports';
import { stackGroups } from '../../../server/src/core/oops/signature';

const ROOT = path.resolve(__dirname, '../../..');
const LOGS = path.join(ROOT, 'test/fixtures/oops/logs');
const SYM = path.join(ROOT, 'test/fixtures/oops/symbols');

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

describe('xenscope oops parse', () => {
  it('--json: {"reports": [...]} with exactly the keys of the issue', async () => {
    // syzkaller-report-338.txt: KASAN headline on file line 4; frame on line 11 is
    // `? dump_stack_print_info.cold+0x20/0x20`; line 12 `print_address_description.cold+0x7c/0x20d`
    const r = await run('oops', 'parse', path.join(LOGS, 'syzkaller-report-338.txt'), '--json');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { reports: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(j), ['reports']);
    const rep = j.reports[0];
    assert.deepEqual(Object.keys(rep).sort(), ['cpu', 'endLine', 'frames', 'group', 'kind', 'line', 'signature', 'title'].sort());
    assert.equal(rep.kind, 'kasan');
    assert.equal(rep.line, 3);
    assert.equal(rep.cpu, 0);
    assert.equal(rep.group, 0);
    const frames = rep.frames as Record<string, unknown>[];
    for (const f of frames) assert.deepEqual(Object.keys(f).sort(), ['address', 'context', 'line', 'module', 'offset', 'reliable', 'size', 'symbol']);
    assert.deepEqual(frames.find((f) => f.line === 10), {
      line: 10, symbol: 'dump_stack_print_info.cold', offset: '0x20', size: '0x20', address: null, module: null, reliable: false, context: 'task',
    });
    assert.deepEqual(frames.find((f) => f.line === 11 && f.symbol === 'kmalloc_oob_right'), {
      line: 11, symbol: 'kmalloc_oob_right', offset: '0xac', size: '0xc3', address: null, module: 'test_kasan', reliable: false, context: 'task',
    });
  });
  it('text output lists reports and Xen notes', async () => {
    const r = await run('oops', 'parse', path.join(LOGS, 'xen-bugzilla-543-2.6.18-xen-domU-softlockup.txt'));
    assert.equal(r.code, 0);
    assert.match(r.out, /^#0 soft-lockup lines 3-\d+ \(CPU 0\): BUG: soft lockup detected on CPU#0!$/m);
    assert.match(r.out, /note \(line 13\): hypercall_page\+0x22a is stub 17 = __HYPERVISOR_xen_version/);
    assert.match(r.out, /raw_safe_halt → __HYPERVISOR_sched_op: the vCPU was idle/);
  });
  it('usage errors and unreadable files', async () => {
    assert.equal((await run('oops')).code, 2);
    assert.equal((await run('oops', 'parse')).code, 2);
    assert.equal((await run('oops', 'parse', 'x', '--map', 'y')).code, 2);
    const missing = await run('oops', 'parse', path.join(os.tmpdir(), 'no-such-xenscope-log'));
    assert.equal(missing.code, 1);
    assert.match(missing.err, /cannot read .*no-such-xenscope-log/);
  });
  it('an empty file says so', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-cli-'));
    const f = path.join(dir, 'empty.log');
    fs.writeFileSync(f, '');
    const r = await run('oops', 'parse', f);
    assert.equal(r.code, 0);
    assert.match(r.err, /empty file/);
    assert.match(r.out, /no reports found/);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('xenscope oops groups', () => {
  it('prints the distinct stacks with counts, most frequent first', async () => {
    // abrt 10_oopses: six radeon_gart_unbind WARNINGs (grep -c 'radeon_gart.c:235' = 6)
    const r = await run('oops', 'groups', path.join(LOGS, 'abrt-examples-10_oopses.txt'));
    assert.equal(r.code, 0);
    assert.match(r.out.split('\n')[0], /^ {4}6 {2}warning {2}radeon_gart_unbind < /);
    const j = JSON.parse((await run('oops', 'groups', path.join(LOGS, 'abrt-examples-10_oopses.txt'), '--json')).out) as { groups: { count: number }[] };
    assert.equal(j.groups.reduce((n, g) => n + g.count, 0), 10);
  });
});

describe('xenscope oops groups on a log read in pieces', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-groups-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  it('a 3 MB log (several pieces): the groups of parseLog over the whole text; unreadable files named', async () => {
    const unit = fs.readdirSync(LOGS).sort().map((f) => fs.readFileSync(path.join(LOGS, f), 'utf8')).join('');
    const text = unit.repeat(Math.ceil((3 << 20) / unit.length));
    const file = path.join(dir, 'big.console');
    fs.writeFileSync(file, text);
    const log = parseLog(text);
    const want = stackGroups(log.reports).map((g) => ({ group: g.group, kind: g.kind, count: g.count, signature: g.signature, title: g.title, lines: g.reports.map((i) => log.reports[i]!.line) }));
    const r = await run('oops', 'groups', file, '--json');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual((JSON.parse(r.out) as { groups: unknown[] }).groups, want);
    assert.ok(want.length > 20 && want[0]!.count >= 6);
    const missing = await run('oops', 'groups', path.join(dir, 'gone.console'));
    assert.notEqual(missing.code, 0);
    assert.match(missing.err, /cannot read .*gone\.console/);
    const directory = await run('oops', 'groups', dir);
    assert.match(directory.err, /cannot read .*xenscope-groups-.*(EISDIR|directory)/);
  });
});

describe('xenscope oops symbolize', () => {
  it('names bare addresses from System.map (2.6.15 log has none; a made-up line from the 6.1 map does)', async () => {
    // System.map-6.1.0-56: `ffffffff81000000 T _stext` … pick `startup_64`-area: use the JMR540 pair instead
    const r = await run('oops', 'symbolize', path.join(LOGS, 'extendedfi-jmr540-kmsg-arm32-3.18.txt'), '--map', path.join(SYM, 'extendedfi-jmr540-kallsyms.txt.gz'));
    assert.equal(r.code, 0, r.err);
    const lines = r.out.split('\n');
    // file line 474: `[<c00113e8>] (show_stack) from [<c001c2d4>] (warn_slowpath_common+0x68/0x88)` stays as it is (no DWARF)
    assert.match(lines[473], /\(warn_slowpath_common\+0x68\/0x88\)/);
  });
  it('reports a map of another kernel and exits 1', async () => {
    const r = await run('oops', 'symbolize', path.join(LOGS, 'extendedfi-jmr540-kmsg-arm32-3.18.txt'), '--map', path.join(SYM, 'System.map-6.1.0-56-amd64.gz'));
    assert.equal(r.code, 1);
    assert.match(r.err, /this symbol table is not this kernel's/);
  });
  it('a bare address gets sym+off/size from the map', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-cli-'));
    const f = path.join(dir, 'bare.log');
    // kallsyms line 5150: `c00d64b0 T SyS_write`; c00d64f0 = SyS_write+0x40, size 0x80 as the JMR540 log prints it
    fs.writeFileSync(f, 'Call Trace:\n [<c00d64f0>]\n');
    const r = await run('oops', 'symbolize', f, '--map', path.join(SYM, 'extendedfi-jmr540-kallsyms.txt.gz'));
    assert.equal(r.out, 'Call Trace:\n [<c00d64f0>] SyS_write+0x40/0x80\n');
    const j = JSON.parse((await run('oops', 'symbolize', f, '--map', path.join(SYM, 'extendedfi-jmr540-kallsyms.txt.gz'), '--json')).out) as { reports: { frames: { resolved: { symbol: string; offset: string } }[] }[] };
    assert.equal(j.reports[0].frames[0].resolved.symbol, 'SyS_write');
    assert.equal(j.reports[0].frames[0].resolved.offset, '0x40');
    fs.rmSync(dir, { recursive: true });
  });
});

describe('xenscope oops symbolize: KASLR and Xen', () => {
  it('subtracts the `Kernel Offset:` slide before naming a bare address', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-cli-'));
    const f = path.join(dir, 'kaslr.log');
    // c00d74f0 − 0x1000 = c00d64f0 = SyS_write+0x40 (kallsyms: `c00d64b0 T SyS_write`, next symbol at c00d6530)
    fs.writeFileSync(f, 'Call Trace:\n [<c00d74f0>]\nKernel Offset: 0x1000 from 0xc0008000\n');
    const r = await run('oops', 'symbolize', f, '--map', path.join(SYM, 'extendedfi-jmr540-kallsyms.txt.gz'));
    assert.equal(r.out.split('\n')[1], ' [<c00d74f0>] SyS_write+0x40/0x80');
    fs.rmSync(dir, { recursive: true });
  });
  it('(XEN) frames agree with the Xen map of the same build', async () => {
    const { loadSymbolFile } = await import('../../../server/src/core/symbols/loaders');
    const { checkFramesAgainstTable } = await import('../../../server/src/core/symbols/consistency');
    const { parseLog } = await import('../../../server/src/core/oops/reports');
    const table = await loadSymbolFile(path.join(SYM, 'xen-syms-4.17.7-deb12u1-amd64.map.gz'));
    const log = parseLog(fs.readFileSync(path.join(LOGS, 'xen-4.17-qemu-xl-dmesg-debugkeys.txt'), 'utf8'));
    const xenFrames = log.frames.filter((fr) => fr.address !== undefined && fr.address >= 0xffff82d040000000n && fr.symbol !== undefined);
    assert.ok(xenFrames.length > 10);
    for (const fr of xenFrames) {
      const hit = table.lookup(fr.address!);
      assert.equal(`${hit?.name}+${hit?.offset}/${hit?.size}`, `${fr.symbol}+${fr.offset}/${fr.size}`, `line ${fr.line + 1}`);
    }
    assert.equal(checkFramesAgainstTable(xenFrames, table).verdict, 'match');
  });
});

describe('dist/cli.js', () => {
  const cli = path.join(ROOT, 'dist/cli.js');
  before(() => {
    const sources = ['server/src/cli.ts', 'server/src/cli/oops.ts', 'server/src/core/oops/reports.ts', 'server/src/core/oops/frames.ts', 'server/src/core/symbols/frameResolver.ts'];
    const newest = Math.max(...sources.map((s) => fs.statSync(path.join(ROOT, s)).mtimeMs));
    if (!fs.existsSync(cli) || fs.statSync(cli).mtimeMs < newest) {
      const b = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(b.status, 0, b.stderr);
    }
  });
  after(() => undefined);
  it('runs `oops parse --json` as a process', () => {
    const r = spawnSync(process.execPath, [cli, 'oops', 'parse', path.join(LOGS, 'qubes-issue-6052-pv-domu-5.8-on-xen-4.14.txt'), '--json'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { reports: { kind: string; frames: { symbol: string }[] }[] };
    // file line 4: `BUG: unable to handle page fault for address: ffffc9000096b818`; line 10 `RIP: e030:pmc_core_probe+0x138/0x190`
    assert.equal(j.reports[0].kind, 'page-fault');
    assert.equal(j.reports[0].frames[0].symbol, 'pmc_core_probe');
  });
});
