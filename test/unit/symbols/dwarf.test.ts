import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Symbolizer, applyPathMap, type InlineChain } from '../../../server/src/core/symbols/symbolizer';
import { FrameResolver } from '../../../server/src/core/symbols/frameResolver';
import { SourceIndex, scanDefinitions } from '../../../server/src/core/symbols/sourceIndex';
import { parseLog } from '../../../server/src/core/oops/reports';

// The test builds a small "kernel" (kernel.c + module.c) and a relocatable module (module.c alone)
// with gcc -g -O2, then checks the Symbolizer against an independent addr2line run and against
// line numbers read from the C sources (the @markers).

const SRC = path.resolve(__dirname, '../../fixtures/oops/dwarf');
const have = (tool: string): boolean => !spawnSync(tool, ['--version']).error;
const tools = { gcc: have('gcc'), addr2line: have('addr2line'), llvm: have('llvm-symbolizer'), nm: have('nm') };
const missing = Object.entries(tools).filter(([, ok]) => !ok).map(([t]) => t);
const packages: Record<string, string> = { gcc: 'gcc', addr2line: 'binutils', llvm: 'llvm', nm: 'binutils' };
const skip = missing.length > 0 && process.env.CI !== 'true' ? `needs ${missing.join(', ')}` : false;

/** 1-based line of the `@marker` comment in a fixture source. */
function markerLine(file: string, marker: string): number {
  const lines = fs.readFileSync(path.join(SRC, file), 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(`/* @${marker} */`));
  assert.ok(i >= 0, marker);
  return i + 1;
}

/** `nm -n` (run by the test) → name → address, plus the next symbol's address. */
function nmTable(binary: string): Map<string, { addr: bigint; next: bigint }> {
  const out = spawnSync('nm', ['-n', '--defined-only', binary], { encoding: 'utf8' }).stdout.trim().split('\n').map((l) => l.split(' '));
  const map = new Map<string, { addr: bigint; next: bigint }>();
  out.forEach((r, i) => {
    const next = out.slice(i + 1).find((x) => x[0] !== r[0]);
    map.set(r[2], { addr: BigInt('0x' + r[0]), next: next ? BigInt('0x' + next[0]) : BigInt('0x' + r[0]) + 1n });
  });
  return map;
}

/** Independent reference: one `addr2line -a -f -i` run, parsed here. */
function addr2line(binary: string, addrs: bigint[]): { fn: string; file: string; line: number }[][] {
  const r = spawnSync('addr2line', ['-a', '-f', '-i', '-e', binary, ...addrs.map((a) => '0x' + a.toString(16))], { encoding: 'utf8' });
  const chains: { fn: string; file: string; line: number }[][] = [];
  const lines = r.stdout.trim().split('\n');
  for (let k = 0; k < lines.length; k++) {
    if (/^0x[0-9a-f]+$/.test(lines[k])) {
      chains.push([]);
      continue;
    }
    const loc = /^(.*):(\d+|\?)/.exec(lines[k + 1].replace(/ \(discriminator \d+\)$/, ''))!;
    chains[chains.length - 1].push({ fn: lines[k], file: loc[1], line: loc[2] === '?' ? 0 : +loc[2] });
    k++;
  }
  return chains;
}

const simple = (c: InlineChain): string => c.map((l) => `${l.function}@${path.basename(l.file ?? '??')}:${l.line ?? 0}`).join(' ');
const simpleRef = (c: { fn: string; file: string; line: number }[]): string => c.map((l) => `${l.fn}@${path.basename(l.file)}:${l.line}`).join(' ');

describe('DWARF symbolization against a gcc-built ELF', { skip, timeout: 60000 }, () => {
  let dir = '';
  let vmlinux = '';
  let ko = '';
  before(() => {
    if (missing.length > 0) {
      assert.fail(`CI=true and ${missing.join(', ')} missing: apt-get install ${[...new Set(missing.map((m) => packages[m]))].join(' ')}`);
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-dwarf-'));
    const build = spawnSync('sh', [path.join(SRC, 'build.sh'), dir], { encoding: 'utf8' });
    assert.equal(build.status, 0, build.stderr);
    vmlinux = path.join(dir, 'vmlinux');
    ko = path.join(dir, 'testmod.ko');
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('llvm-symbolizer and addr2line batch processes agree with an independent addr2line run, byte by byte over do_work', async () => {
    const nm = nmTable(vmlinux);
    const w = nm.get('do_work')!;
    const addrs: bigint[] = [];
    for (let a = w.addr; a < w.next; a++) addrs.push(a);
    const reference = addr2line(vmlinux, addrs).map(simpleRef);
    for (const tool of ['addr2line', 'llvm-symbolizer'] as const) {
      const s = new Symbolizer({ tool });
      try {
        const got = (await s.resolve(vmlinux, addrs)).map(simple);
        if (tool === 'addr2line') assert.deepEqual(got, reference);
        else {
          // two DWARF readers may differ on padding bytes after `ret`; the code bytes must agree
          const agree = got.filter((g, i) => g === reference[i]).length;
          assert.ok(agree >= addrs.length * 0.75, `${tool}: ${agree}/${addrs.length} agree`);
        }
      } finally {
        s.dispose();
      }
    }
  });

  it('keeps the inline chain: inner_helper ← middle_helper ← do_work with the lines of the source', async () => {
    const nm = nmTable(vmlinux);
    const w = nm.get('do_work')!;
    const s = new Symbolizer({ tool: 'llvm-symbolizer' });
    try {
      const addrs: bigint[] = [];
      for (let a = w.addr; a < w.next; a++) addrs.push(a);
      const chains = await s.resolve(vmlinux, addrs);
      const deep = chains.find((c) => c.length === 3 && c[0].function === 'inner_helper');
      assert.ok(deep, 'some byte of do_work is inside inner_helper inlined into middle_helper');
      assert.deepEqual(deep.map((l) => l.function), ['inner_helper', 'middle_helper', 'do_work']);
      const innerStart = markerLine('kernel.c', 'inner-body');
      assert.ok(deep[0].line! >= innerStart && deep[0].line! <= innerStart + 1, `inner_helper line ${deep[0].line}`);
      assert.equal(deep[1].line, markerLine('kernel.c', 'middle-calls-inner'));
      assert.equal(deep[2].line, markerLine('kernel.c', 'work-calls-middle'));
      assert.equal(path.basename(deep[0].file!), 'kernel.c');
    } finally {
      s.dispose();
    }
  });

  it('pipelines concurrent batches and is killed on dispose', async () => {
    const nm = nmTable(vmlinux);
    const s = new Symbolizer({ tool: 'addr2line' });
    const a = nm.get('do_work')!.addr;
    const b = nm.get('softlockup_tick')!.addr;
    const [x, y] = await Promise.all([s.resolve(vmlinux, [a, b]), s.resolve(vmlinux, [b, a, a])]);
    assert.deepEqual(x.map(simple), [simple(y[1]), simple(y[0])]);
    assert.deepEqual(y[2], y[1]);
    s.dispose();
    // after dispose a new request starts a new process; a binary that does not exist is an error
    try {
      assert.equal((await s.resolve(vmlinux, [a]))[0].at(-1)?.function, 'do_work');
      await assert.rejects(s.resolve('/nonexistent/elf', [a]), /addr2line exited \(1\) for \/nonexistent\/elf/);
    } finally {
      s.dispose();
    }
  });

  it('a missing tool gives a clear message', async () => {
    const s = new Symbolizer({ tool: 'llvm-symbolizer', path: '/nonexistent/llvm-symbolizer' });
    await assert.rejects(s.resolve(vmlinux, [1n]), /\/nonexistent\/llvm-symbolizer not found: install llvm/);
    s.dispose();
  });

  it('resolves frames of a log: vmlinux sym+off (call site), a .ko module frame, the faulting RIP', async () => {
    const nm = nmTable(vmlinux);
    const knm = nmTable(ko);
    const tick = nm.get('softlockup_tick')!;
    const tickSize = Number(tick.next - tick.addr);
    const probe = knm.get('mod_probe')!;
    const probeSize = Number(probe.next - probe.addr);
    const modDir = path.join(dir, 'lib');
    fs.mkdirSync(path.join(modDir, 'extra'), { recursive: true });
    fs.copyFileSync(ko, path.join(modDir, 'extra', 'testmod.ko'));
    // return address just after the call to do_work in softlockup_tick: find it in objdump's output
    const dis = spawnSync('objdump', ['-d', '--no-show-raw-insn', vmlinux], { encoding: 'utf8' }).stdout.split('\n');
    const callIdx = dis.findIndex((l) => /call.*<do_work>/.test(l));
    const ret = BigInt('0x' + dis[callIdx + 1].trim().split(':')[0]);
    const retOff = Number(ret - tick.addr);
    const log = parseLog([
      'BUG: soft lockup - CPU#0 stuck for 23s! [swapper:0]',
      'RIP: 0010:mod_probe+0x3/0x' + probeSize.toString(16) + ' [testmod]',
      'Call Trace:',
      ` softlockup_tick+0x${retOff.toString(16)}/0x${tickSize.toString(16)}`,
      ` mod_probe+0x3/0x${probeSize.toString(16)} [testmod]`,
    ].join('\n'));
    const frames = log.reports[0].frames;
    const resolver = new FrameResolver({ vmlinux, modulesDir: modDir, symbolizer: new Symbolizer({ tool: 'llvm-symbolizer' }) });
    try {
      const r = await resolver.resolveFrames(frames);
      const byLine = new Map(frames.map((f, i) => [f.line, r[i]]));
      // the call site of do_work in softlockup_tick is the @tick-calls-work line
      const t = byLine.get(3)!;
      assert.equal(t.lookupAddress, ret - 1n);
      assert.equal(t.chain?.[t.chain.length - 1].function, 'softlockup_tick');
      assert.equal(t.chain?.[t.chain.length - 1].line, markerLine('kernel.c', 'tick-calls-work'));
      // the module frame is resolved in testmod.ko by its own symbol: mod_inline inlined into mod_probe
      const m = byLine.get(1)!;
      assert.equal(path.basename(m.binary!), 'testmod.ko');
      assert.equal(m.lookupAddress, probe.addr + 3n);
      assert.deepEqual(m.chain?.map((c) => c.function), ['mod_inline', 'mod_probe']);
      assert.equal(m.chain?.[0].line, markerLine('module.c', 'mod-inline-body'));
      assert.equal(m.chain?.[1].line, markerLine('module.c', 'probe-calls-inline'));
    } finally {
      resolver.dispose();
    }
  });

  it('`xenscope oops symbolize --vmlinux` prints decode_stacktrace-style lines', async () => {
    const { main } = await import('../../../server/src/cli');
    const nm = nmTable(vmlinux);
    const tick = nm.get('softlockup_tick')!;
    const dis = spawnSync('objdump', ['-d', '--no-show-raw-insn', vmlinux], { encoding: 'utf8' }).stdout.split('\n');
    const callIdx = dis.findIndex((l) => /call.*<do_work>/.test(l));
    const retOff = Number(BigInt('0x' + dis[callIdx + 1].trim().split(':')[0]) - tick.addr);
    const log = path.join(dir, 'cli.log');
    fs.writeFileSync(log, `Call Trace:\n softlockup_tick+0x${retOff.toString(16)}/0x${Number(tick.next - tick.addr).toString(16)}\n`);
    let out = '';
    const code = await main(['oops', 'symbolize', log, '--vmlinux', vmlinux, '--path-map', `${SRC}/=src/`], { stdout: (t) => (out += t), stderr: () => undefined });
    assert.equal(code, 0);
    // build.sh compiles "$SRC/kernel.c", so DWARF names that path; the rule maps it to src/
    assert.equal(out.split('\n')[1], ` softlockup_tick (src/kernel.c:${markerLine('kernel.c', 'tick-calls-work')})`);
  });

  it('maps build paths by prefix rules', async () => {
    const s = new Symbolizer({ tool: 'addr2line', pathMap: [{ from: SRC, to: '/home/me/src/linux' }] });
    try {
      const [chain] = await s.resolve(vmlinux, [nmTable(vmlinux).get('softlockup_tick')!.addr]);
      assert.match(chain[0].file!, /^\/home\/me\/src\/linux\/(\.\/)?kernel\.c$/);
    } finally {
      s.dispose();
    }
    assert.equal(applyPathMap('debian/build/build_amd64_none_amd64/kernel/sched/core.c', [{ from: 'debian/build/build_amd64_none_amd64/', to: '/src/linux/' }]), '/src/linux/kernel/sched/core.c');
    assert.equal(applyPathMap('/build/x/debian/build/build_amd64_none_amd64/mm/slub.c', [{ from: 'debian/build/build_amd64_none_amd64/', to: '/src/linux/' }]), '/src/linux/mm/slub.c');
  });
});

describe('source index (no DWARF)', () => {
  it('finds function definitions in the fixture sources at the lines a reader sees', async () => {
    const idx = await SourceIndex.build(SRC);
    const lines = fs.readFileSync(path.join(SRC, 'kernel.c'), 'utf8').split('\n');
    const defLine = (re: RegExp): number => lines.findIndex((l) => re.test(l)) + 1;
    assert.deepEqual(idx.find('do_work'), [{ file: 'kernel.c', line: defLine(/^__attribute__\(\(noinline\)\) int do_work\(/) }]);
    assert.deepEqual(idx.find('inner_helper'), [{ file: 'kernel.c', line: defLine(/int inner_helper\(int x\)$/) }]);
    assert.equal(idx.find('mod_probe')[0].file, 'module.c');
    // log spellings: clones, padding prefixes, Xen file#name
    assert.equal(idx.find('do_work.isra.0')[0].line, defLine(/ do_work\(/));
    assert.equal(idx.find('__pfx_do_work')[0].line, defLine(/ do_work\(/));
    assert.equal(idx.find('kernel.c#softlockup_tick')[0].file, 'kernel.c');
    assert.deepEqual(idx.find('module_entry_decl_only_nowhere'), []);
    // a declaration (extern … ;) is not a definition
    assert.equal(idx.find('module_entry').length, 1);
    assert.equal(idx.find('module_entry')[0].file, 'module.c');
  });
  it('kernel idioms: wrapped parameter lists, SYSCALL_DEFINE, assembly entry points', () => {
    const c = ['static int', 'foo(struct a *x,', '    int y)', '{', '\treturn 0;', '}', 'int bar(int);', 'SYSCALL_DEFINE3(write, unsigned int, fd, const char __user *, buf,', '\t\tsize_t, count)', '{', '}'].join('\n');
    assert.deepEqual(scanDefinitions(c, false).filter((d) => ['foo', 'bar', '__x64_sys_write', 'sys_write'].includes(d.name)), [
      { name: 'foo', line: 2 },
      { name: 'sys_write', line: 8 },
      { name: '__x64_sys_write', line: 8 },
    ]);
    const s = ['SYM_FUNC_START(memcpy)', '\tret', 'SYM_CODE_START(entry_SYSCALL_64)', 'ENTRY(hypercall_page)', '.Llocal:', '1:', 'xen_hypercall_sched_op:'].join('\n');
    assert.deepEqual(scanDefinitions(s, true).map((d) => d.name), ['memcpy', 'entry_SYSCALL_64', 'hypercall_page', 'xen_hypercall_sched_op']);
  });
});
