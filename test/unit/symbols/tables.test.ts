import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { loadSymbolFile, parseSymbolText, symbolTableFromBytes, SymbolTableError } from '../../../server/src/core/symbols/loaders';
import { checkFramesAgainstTable, estimateSlide, moduleForAddress, moduleSymbolAnchors, parseProcModules } from '../../../server/src/core/symbols/consistency';
import { parseLog } from '../../../server/src/core/oops/reports';

const SYM = path.join(__dirname, '../../fixtures/oops/symbols');
const LOGS = path.join(__dirname, '../../fixtures/oops/logs');
const readGz = (f: string): string => gunzipSync(fs.readFileSync(path.join(SYM, f))).toString('latin1');

describe('loaders', () => {
  it('System.map (gzip): one symbol per line', async () => {
    const t = await loadSymbolFile(path.join(SYM, 'System.map-6.1.0-56-amd64.gz'));
    const lines = readGz('System.map-6.1.0-56-amd64.gz').split('\n').filter((l) => l.trim() !== '').length;
    assert.equal(t.count, lines);
  });
  it('kallsyms with the [module] column', async () => {
    const t = await loadSymbolFile(path.join(SYM, 'xen-4.17-qemu-dom0-6.1.0-56-kallsyms.txt.gz'));
    // file: `ffffffffc057f000 t softlock_exit\t[softlock]`
    const hit = t.lookup(0xffffffffc057f004n);
    assert.equal(hit?.name, 'softlock_exit');
    assert.equal(hit?.module, 'softlock');
    assert.equal(hit?.offset, 4);
    assert.ok(t.modulesPresent().includes('softlock'));
  });
  it('Xen .map with 0x addresses and file.c#sym locals, found by the bare name too', async () => {
    const t = await loadSymbolFile(path.join(SYM, 'xen-syms-4.17.7-deb12u1-amd64.map.gz'));
    // file: `0xffff82d0402f9b40 t arch/x86/domain.c#default_idle`
    assert.deepEqual(t.addressesOf('arch/x86/domain.c#default_idle'), [0xffff82d0402f9b40n]);
    assert.deepEqual(t.addressesOf('default_idle'), [0xffff82d0402f9b40n]);
    assert.equal(t.lookup(0xffff82d0402f9b40n + 0xc6n)?.name, 'arch/x86/domain.c#default_idle');
  });
  it('nm BSD, nm -S and nm -P (POSIX) forms', () => {
    // shapes from binutils nm: `ADDR TYPE NAME`, `ADDR SIZE TYPE NAME`, `NAME TYPE ADDR SIZE`, `U name`
    const bsd = parseSymbolText('0000000000401130 T do_work\n0000000000401150 T softlockup_tick\n                 U sink\n0000000000404014 B sink\n', 'bsd');
    assert.equal(bsd.lookup(0x401134n)?.name, 'do_work');
    assert.equal(bsd.lookup(0x401134n)?.size, 0x20);
    const withSize = parseSymbolText('0000000000401130 000000000000001b T do_work\n0000000000401150 0000000000000030 T softlockup_tick\n', 'nm -S');
    assert.equal(withSize.lookup(0x401151n)?.name, 'softlockup_tick');
    const posix = parseSymbolText('do_work T 401130 1b\nadd T 401150 30\nsink B 404014 4\n', 'nm -P');
    assert.equal(posix.lookup(0x401152n)?.name, 'add');
    assert.equal(posix.lookup(0x401131n)?.offset, 1);
  });
  it('a kallsyms whose addresses are all zero is refused with the reason', async () => {
    await assert.rejects(loadSymbolFile(path.join(SYM, 'hakuna77-kallsyms-zeroed-by-kptr_restrict.excerpt.txt')), (e: Error) => {
      assert.ok(e instanceof SymbolTableError);
      assert.match(e.message, /all 20 addresses are 0 — this \/proc\/kallsyms was read without privilege \(kptr_restrict/);
      return true;
    });
  });
  it('garbage, text that is no table, an empty file, a missing file', async () => {
    const bin = Buffer.concat([Buffer.from('ffffffff81000000 T _stext\n'), randomBytes(5000)]);
    bin[100] = 0;
    await assert.rejects(symbolTableFromBytes(bin, 'bin'), /binary data \(a NUL byte at offset \d+\), not a symbol table/);
    assert.throws(() => parseSymbolText(Array.from({ length: 50 }, (_, i) => `hello world ${i}`).join('\n'), 'prose'), /prose: not a symbol table \(System.map, kallsyms, nm or Xen .map\): line 1: "hello world 0"/);
    assert.throws(() => parseSymbolText('ffffffff81000000 T a\n' + 'this is not a map line\n'.repeat(100), 'mixed'), /mixed: not a symbol table .*: line 2: "this is not a map line"/);
    assert.throws(() => parseSymbolText('', 'empty'), /empty: empty symbol table/);
    assert.throws(() => parseSymbolText('just one line\n', 'one'), /one: no symbols found; line 1 is not of the form "ADDRESS TYPE NAME": "just one line"/);
    await assert.rejects(loadSymbolFile(path.join(SYM, 'no-such-file')), /cannot read/);
    // a 10 MB line: one linear pass, a message naming the line
    const t0 = performance.now();
    const one = parseSymbolText('ffffffff81000000 T a\n' + 'x'.repeat(10 << 20) + '\nffffffff81000010 T b\n', 'long');
    assert.equal(one.count, 2);
    assert.deepEqual(one.notes, ['long: 1 line(s) that are not "ADDRESS TYPE NAME" were skipped (first: line 2)']);
    assert.throws(() => parseSymbolText('x'.repeat(10 << 20), 'long'), /long: no symbols found; line 1 is not of the form "ADDRESS TYPE NAME"/);
    assert.ok(performance.now() - t0 < 2000);
  });
  it('absolute and per-CPU data symbols do not answer code lookups (GKI 6.6 System.map slices)', () => {
    const text = ['head', 'text-start'].map((s) => fs.readFileSync(path.join(SYM, `codelinaro-gki-6.6-x86_64-System.map.${s}.txt`), 'latin1')).join('');
    const t = parseSymbolText(text.split('\n').filter((l) => !l.startsWith('#')).join('\n'), 'gki');
    assert.equal(t.lookup(0x10n), undefined); // __per_cpu_start … are D
    assert.equal(t.lookup(0x1000010n), undefined); // phys_startup_64 is A
    assert.equal(t.lookup(0xffffffff81000064n)?.name, 'secondary_startup_64'); // file: …060 T secondary_startup_64, …065 next
    assert.equal(t.lookup(0xffffffff81000064n)?.size, 5);
    // aliases: _stext, _text, startup_64 share ffffffff81000000; the first in the file is printed
    const alias = t.lookup(0xffffffff81000000n);
    assert.equal(alias?.name, '_stext');
    assert.deepEqual(alias?.aliases, ['_text', 'startup_64']);
  });
});

describe('the JMR540 matched pair (same boot)', () => {
  it('resolves 70/70 frames to the printed sym+off/size', async () => {
    const t = await loadSymbolFile(path.join(SYM, 'extendedfi-jmr540-kallsyms.txt.gz'));
    const log = parseLog(fs.readFileSync(path.join(LOGS, 'extendedfi-jmr540-kmsg-arm32-3.18.txt'), 'utf8'));
    const frames = log.frames.filter((f) => f.address !== undefined && f.offset !== undefined && f.size !== undefined);
    assert.equal(frames.length, 70);
    let ok = 0;
    for (const f of frames) {
      const hit = t.lookup(f.address!);
      if (hit && hit.name === f.symbol && hit.offset === f.offset && hit.size === f.size) ok++;
    }
    assert.equal(ok, 70);
    // alias rule: c00d64b0 T SyS_write / c00d64b0 T sys_write; the log prints (SyS_write+0x40/0x80)
    const w = t.lookup(0xc00d64f0n);
    assert.equal(w?.name, 'SyS_write');
    assert.deepEqual(w?.aliases, ['sys_write']);
    const check = checkFramesAgainstTable(log.frames, t);
    assert.equal(check.verdict, 'match');
    assert.equal(check.mismatched.length + check.missing.length, 0);
    assert.deepEqual(estimateSlide(log.frames, t), { slide: 0n, votes: 70, frames: 70 });
  });
});

describe("Debian 6.1.0-56 System.map and frames made from its own symbols", () => {
  it('every frame agrees; a shifted copy gives the slide', async () => {
    const t = await loadSymbolFile(path.join(SYM, 'System.map-6.1.0-56-amd64.gz'));
    // Independent reading of the map: lines `ADDR TYPE NAME`; pick text symbols whose address is
    // unique, size = next greater address − address, offset = size / 2.
    const rows = readGz('System.map-6.1.0-56-amd64.gz').split('\n').filter(Boolean).map((l) => l.split(' '));
    const lines: string[] = ['[    1.000000] BUG: soft lockup - CPU#0 stuck for 23s! [x:1]', '[    1.000001] Call Trace:'];
    const expected: { name: string; addr: bigint; off: number; size: number }[] = [];
    const slide = 0x3b800000n;
    for (let i = 1; i + 1 < rows.length && expected.length < 300; i += 311) {
      const [a, type, name] = rows[i];
      if (type !== 'T' && type !== 't') continue;
      if (rows[i - 1][0] === a || rows[i + 1][0] === a) continue;
      const size = Number(BigInt('0x' + rows[i + 1][0]) - BigInt('0x' + a));
      if (size < 2 || size > 1 << 20 || rows.filter((r) => r[2] === name).length !== 1) continue;
      const off = size >> 1;
      const addr = BigInt('0x' + a) + BigInt(off);
      expected.push({ name, addr, off, size });
      lines.push(`[    1.000002]  [<${(addr + slide).toString(16)}>] ${name}+0x${off.toString(16)}/0x${size.toString(16)}`);
    }
    assert.ok(expected.length > 100, `${expected.length} frames`);
    const log = parseLog(lines.join('\n'));
    const check = checkFramesAgainstTable(log.frames, t);
    assert.equal(check.verdict, 'match');
    assert.equal(check.matched, expected.length);
    for (const e of expected) {
      assert.equal(t.resolveName(e.name, e.off, e.size)?.address, e.addr);
      const hit = t.lookup(e.addr);
      assert.equal(hit?.name, e.name);
      assert.equal(hit?.offset, e.off);
      assert.equal(hit?.size, e.size);
    }
    assert.deepEqual(estimateSlide(log.frames, t), { slide, votes: expected.length, frames: expected.length });
  });
  it('the sysrq log from that kernel agrees with it; the ARM JMR540 log does not', async () => {
    const t = await loadSymbolFile(path.join(SYM, 'System.map-6.1.0-56-amd64.gz'));
    const own = parseLog(fs.readFileSync(path.join(LOGS, 'xen-4.17-qemu-dom0-6.1.0-56-sysrq.txt'), 'utf8'));
    const mine = checkFramesAgainstTable(own.frames, t);
    assert.equal(mine.verdict, 'match');
    assert.equal(mine.mismatched.length, 0);
    const other = parseLog(fs.readFileSync(path.join(LOGS, 'extendedfi-jmr540-kmsg-arm32-3.18.txt'), 'utf8'));
    const check = checkFramesAgainstTable(other.frames, t);
    assert.equal(check.verdict, 'mismatch');
    assert.match(check.message, /^this symbol table is not this kernel's: \d+ of \d+ frames disagree with /);
  });
});

describe('modules', () => {
  it('/proc/modules bases and the module of an address', () => {
    const mods = parseProcModules(fs.readFileSync(path.join(SYM, 'xen-4.17-qemu-dom0-6.1.0-56-proc-modules.txt'), 'utf8'));
    // file: `softlock 16384 0 - Live 0xffffffffc057f000 (OE)`
    assert.deepEqual(mods.get('softlock'), { base: 0xffffffffc057f000n, size: 16384 });
    assert.deepEqual(moduleForAddress(0xffffffffc057f010n, mods), { name: 'softlock', offset: 0x10 });
    assert.equal(moduleForAddress(0xffffffff81000000n, mods), undefined);
  });
  it('module symbol addresses from frames: addr − off', () => {
    const log = parseLog('Call Trace:\n [<ffffffffa00c866e>] radeon_bo_init+0x2e/0x90 [radeon]\n');
    assert.equal(moduleSymbolAnchors(log.frames).get('radeon')?.get('radeon_bo_init'), 0xffffffffa00c8640n);
  });
});

describe('registers that point into code', () => {
  it('a register holding a code address is named; data and zero values are not', async () => {
    const { registersInCode } = await import('../../../server/src/core/symbols/registerSymbols');
    const t = await loadSymbolFile(path.join(SYM, 'System.map-6.1.0-56-amd64.gz'));
    // a register dump whose RBX is 1 byte into the first unaliased T symbol of the map (read here
    // independently), RAX is 0 and RCX a direct-map data address
    const rows = readGz('System.map-6.1.0-56-amd64.gz').split('\n').filter(Boolean).map((l) => l.split(' '));
    const i = rows.findIndex((r) => r[1] === 'T' && rows.filter((x) => x[0] === r[0]).length === 1 && r[0].startsWith('ffffffff81'));
    const addr = BigInt('0x' + rows[i][0]) + 1n;
    const log = parseLog(`BUG: soft lockup - CPU#0 stuck for 23s! [a:1]\nRAX: 0000000000000000 RBX: ${addr.toString(16).padStart(16, '0')} RCX: ffff888004a1c000\n`);
    const found = registersInCode(log.reports[0], t);
    assert.deepEqual(found.map((x) => [x.register.name, x.hit.name, x.hit.offset]), [['RBX', rows[i][2], 1]]);
  });
});
