import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_FRAME_COLUMN, parseFrames, parseRegisterFrames, parseFrame, tokenAt } from '../../../server/src/core/oops/frames';
import { parseLog, findFrameAt } from '../../../server/src/core/oops/reports';

// Frame lines are the real examples quoted in oops-formats.md §1.2; expected values are the
// numbers printed in them (hex unless the format prints decimal).
describe('parseFrames: every format of the reference', () => {
  it('x86 2.6.18–4.x `[<addr>] ? sym+off/size`', () => {
    const [f] = parseFrames(' [<ffffffff810013aa>] ? hypercall_page+0x3aa/0x1000');
    assert.equal(f.address, 0xffffffff810013aan);
    assert.equal(f.symbol, 'hypercall_page');
    assert.equal(f.offset, 0x3aa);
    assert.equal(f.size, 0x1000);
    assert.equal(f.reliable, false);
  });
  it('module suffix `[radeon]`', () => {
    const [f] = parseFrames(' [<ffffffffa00c866e>] radeon_bo_init+0x2e/0x90 [radeon]');
    assert.equal(f.module, 'radeon');
    assert.equal(f.offset, 0x2e);
  });
  it('module with build id `[module <hex>]`', () => {
    const id = 'ed5b3b894d0aeb37298a77837232ca9b353cc27d';
    const [f] = parseFrames(`  foo_probe+0x1c/0x80 [foo ${id}]`);
    assert.equal(f.module, 'foo');
    assert.equal(f.buildId, id);
  });
  it('RHEL5 `:jbd:log_wait_commit+0xa3/0xf5`', () => {
    const [f] = parseFrames(' [<ffffffff8802c8e9>] :jbd:log_wait_commit+0xa3/0xf5');
    assert.equal(f.module, 'jbd');
    assert.equal(f.symbol, 'log_wait_commit');
    assert.equal(f.size, 0xf5);
  });
  it('2.6.17 `<addr>{sym+DECIMAL}`, several per line, after <IRQ>', () => {
    const fs = parseFrames('Call Trace: <IRQ> <ffffffff802b2fb5>{softlockup_tick+219} <ffffffff80290c3e>{update_process_times+66}', 12);
    assert.deepEqual(fs.map((f) => [f.address, f.symbol, f.offset, f.size]), [
      [0xffffffff802b2fb5n, 'softlockup_tick', 219, undefined],
      [0xffffffff80290c3en, 'update_process_times', 66, undefined],
    ]);
  });
  it('bare addresses (kernel without kallsyms)', () => {
    const fs = parseFrames(' [<ffffffff80169a68>] [<ffffffff8026b40e>]');
    assert.deepEqual(fs.map((f) => [f.address, f.symbol]), [[0xffffffff80169a68n, undefined], [0xffffffff8026b40en, undefined]]);
  });
  it('modern address-less frames, `? ` and `__pfx_`', () => {
    const [a] = parseFrames('  shrink_dcache_parent+0x179/0x230');
    assert.equal(a.address, undefined);
    assert.equal(a.symbol, 'shrink_dcache_parent');
    const [b] = parseFrames('  ? __pfx___schedule+0x10/0x10');
    assert.equal(b.reliable, false);
    assert.equal(b.symbol, '__pfx___schedule');
  });
  it('compiler clones and Rust/C++ names are whole symbols', () => {
    assert.equal(parseFrames(' csd_lock_wait.isra.1+0x4/0xa')[0].symbol, 'csd_lock_wait.isra.1');
    assert.equal(parseFrames(' dump_stack_print_info.cold+0x20/0x20')[0].symbol, 'dump_stack_print_info.cold');
    assert.equal(parseFrames(' _Z8fakeNameiii+0x49a/0x1a10')[0].symbol, '_Z8fakeNameiii');
  });
  it('negative offset `sym-0x10/0x40` (function padding)', () => {
    const [f] = parseFrames('  foo-0x10/0x40');
    assert.equal(f.symbol, 'foo');
    assert.equal(f.offset, -0x10);
    assert.equal(f.size, 0x40);
  });
  it('klogd `[oops:_oops_ioctl+48/80]` is decimal', () => {
    const fs = parseFrames('[oops:_oops_ioctl+48/80] [_sys_ioctl+254/272]');
    assert.deepEqual(fs.map((f) => [f.module, f.symbol, f.offset, f.size]), [['oops', '_oops_ioctl', 48, 80], [undefined, '_sys_ioctl', 254, 272]]);
  });
  it('ARM32 `[<pc>] (sym) from [<lr>] (caller+off/size)`', () => {
    const fs = parseFrames('[<c00131ac>] (unwind_backtrace) from [<c00113e8>] (show_stack+0x10/0x14)');
    assert.equal(fs.length, 2);
    assert.equal(fs[0].symbol, 'unwind_backtrace');
    assert.equal(fs[0].address, 0xc00131acn);
    assert.equal(fs[1].symbol, 'show_stack');
    assert.equal(fs[1].address, 0xc00113e8n);
    assert.equal(fs[1].offset, 0x10);
    assert.equal(fs[1].size, 0x14);
  });
  it('ppc64 `[sp] [pc] sym` and ` (unreliable)`', () => {
    const [f] = parseFrames('[c000000010f930b0] [c000000008068df8] .eeh_dev_check_failure+0x278/0x390 (unreliable)');
    assert.equal(f.address, 0xc000000008068df8n);
    assert.equal(f.symbol, '.eeh_dev_check_failure');
    assert.equal(f.reliable, false);
  });
  it('s390x parenthesised frame is unreliable', () => {
    const [f] = parseFrames(' ([<000003ff8086d036>] will_oops_init+0x36/0x1000 [will_oops])');
    assert.equal(f.address, 0x3ff8086d036n);
    assert.equal(f.module, 'will_oops');
    assert.equal(f.reliable, false);
  });
  it('riscv `[<addr>] sym+off/size`', () => {
    const [f] = parseFrames('[<ffffffe00008c762>] schedule_tail+0x72/0xb2');
    assert.equal(f.symbol, 'schedule_tail');
  });
  it('Xen R/S/F markers, `file.c#sym`, `+0/size`, `???`, `(PC)`', () => {
    const [r] = parseFrames('   [<ffff82d040224922>] R _spin_lock_irq+0x22/0x50', 0, undefined, -1, true);
    assert.equal(r.xenMarker, 'R');
    assert.equal(r.reliable, true);
    const [s] = parseFrames('   [<ffff82d04024467f>] S core.c#sched_slave+0x10f/0x270', 0, undefined, -1, true);
    assert.equal(s.symbol, 'core.c#sched_slave');
    assert.equal(s.reliable, false);
    const [z] = parseFrames('   [<ffff82d0402e4360>] S domain.c#idle_loop+0/0xf0', 0, undefined, -1, true);
    assert.equal(z.offset, 0);
    assert.equal(z.size, 0xf0);
    const [q] = parseFrames('    [<ffff82c48011fb27>] ???', 0, undefined, -1, true);
    assert.equal(q.address, 0xffff82c48011fb27n);
    assert.equal(q.symbol, undefined);
    const [pc] = parseFrames('   [<002389f4>] _xmalloc+0xfc/0x314 (PC)', 0, undefined, -1, true);
    assert.equal(pc.register, 'PC');
    assert.equal(pc.symbol, '_xmalloc');
  });
  it('syzbot `file:line` and `[inline]`', () => {
    const [i] = parseFrames(' context_switch kernel/sched/core.c:5178 [inline]');
    assert.equal(i.symbol, 'context_switch');
    assert.equal(i.inlined, true);
    assert.equal(i.sourceFile, 'kernel/sched/core.c');
    assert.equal(i.sourceLine, 5178);
    const [s] = parseFrames(' __schedule+0xadf/0x5270 kernel/sched/core.c:6490');
    assert.equal(s.offset, 0xadf);
    assert.equal(s.sourceLine, 6490);
  });
  it('ordinary log lines are not frames', () => {
    for (const line of ['Linux version 6.1.0-56-amd64 (gcc-12)', 'Modules linked in: a b c', 'ACPI: RSDP 0x00000000000F59B0 000014', 'x+y=z', 'RAX: 0000000000000001 RBX: ffff8801bfc53948']) {
      assert.deepEqual(parseFrames(line), [], line);
    }
  });
});

describe('parseRegisterFrames', () => {
  it('RIP: 0010:sym+off/size and the old [<a>]  [<a>] form', () => {
    assert.equal(parseRegisterFrames('RIP: 0010:__sanitizer_cov_trace_switch+0xe/0x70', 0, 47)[0].symbol, '__sanitizer_cov_trace_switch');
    const line = 'RIP: 0010:[<ffffffff81088847>]  [<ffffffff81088847>] csd_lock_wait.isra.1+0x4/0xa';
    const [f] = parseRegisterFrames(line, 0, line.length);
    assert.equal(f.address, 0xffffffff81088847n);
    assert.equal(f.symbol, 'csd_lock_wait.isra.1');
  });
  it('a user-mode RIP (0033) is no frame', () => {
    assert.deepEqual(parseRegisterFrames('RIP: 0033:0x7f8f30a0c4f9', 0, 24), []);
  });
  it('arm `pc : [<a>]    lr : [<a>]`, arm64 `pc : sym`, `PC is at`, ppc `NIP […]`, riscv `epc :`', () => {
    const l = 'pc : [<c052fa4c>]    lr : [<c006d464>]    psr: 60000113';
    assert.deepEqual(parseRegisterFrames(l, 0, l.length).map((f) => [f.register, f.address]), [['pc', 0xc052fa4cn], ['lr', 0xc006d464n]]);
    assert.equal(parseFrame('pc : __kmem_cache_alloc_node+0xd0/0x260')?.offset, 0xd0);
    assert.equal(parseFrame('PC is at really_explode+0x24/0x3c')?.symbol, 'really_explode');
    assert.equal(parseFrame('PC is at 0x200000')?.address, 0x200000n);
    assert.equal(parseFrame('NIP [c00000000022d79c] partition_sched_domains_locked+0x1ac/0x5f0')?.address, 0xc00000000022d79cn);
    assert.equal(parseFrame('epc : schedule_tail+0x72/0xb2')?.register, 'epc');
  });
  it('s390 `Krnl PSW` and Xen `CPU7 @ e008:addr (sym)`', () => {
    const psw = parseFrame('Krnl PSW : 0704f00180000000 000003ff8086d03a (will_oops_init+0x3a/0x1000 [will_oops])');
    assert.equal(psw?.address, 0x3ff8086d03an);
    assert.equal(psw?.module, 'will_oops');
    const cpu = parseFrame('CPU7 @ e008:ffff82d04026c31b (mwait_idle_with_hints+0xfb/0x140)');
    assert.equal(cpu?.address, 0xffff82d04026c31bn);
    assert.equal(cpu?.symbol, 'mwait_idle_with_hints');
  });
});

describe('findFrameAt: hover positions in the original line', () => {
  const log = parseLog([
    '[  123.0] BUG: soft lockup - CPU#0 stuck for 23s! [x:1]',
    '[  123.1] Call Trace:',
    '[  123.2]  [<ffffffff810013aa>] ? hypercall_page+0x3aa/0x1000 [xen]',
  ].join('\n'));
  const line = '[  123.2]  [<ffffffff810013aa>] ? hypercall_page+0x3aa/0x1000 [xen]';
  it('finds each token', () => {
    assert.equal(findFrameAt(log, 2, line.indexOf('ffffffff810013aa') + 3)?.token, 'address');
    assert.equal(findFrameAt(log, 2, line.indexOf('hypercall_page') + 2)?.token, 'symbol');
    assert.equal(findFrameAt(log, 2, line.indexOf('+0x3aa'))?.token, 'offset');
    assert.equal(findFrameAt(log, 2, line.indexOf('[xen]') + 1)?.token, 'module');
    assert.equal(findFrameAt(log, 2, 2), undefined);
    assert.equal(findFrameAt(log, 1, 12), undefined);
  });
  it('tokenAt covers the whole frame', () => {
    const f = findFrameAt(log, 2, line.indexOf('?'))!;
    assert.equal(tokenAt(f.frame, line.indexOf('?')), 'frame');
  });
});

describe('Frame: the compact layout keeps every value', () => {
  it('addresses of 1 to 16 digits, either case, as BigInt reads them; wider values set directly', () => {
    for (const hex of ['c0123456', 'ffffffff8020622a', 'FFFF82D08020622A', '0000000000000000', '80000000', '1', 'ffffffffffffffff', '7fffffff']) {
      const line = `[<${hex}>] foo+0x1/0x2`;
      const [f] = parseFrames(line);
      assert.equal(f.address, BigInt('0x' + hex), hex);
      assert.equal(line.slice(f.addrStart, f.addrEnd), hex);
    }
    const [f] = parseFrames('[<ffffffff8020622a>] foo+0x1/0x2');
    f.address = 1n << 70n;
    assert.equal(f.address, 1n << 70n);
    f.address = 0xffffffff80000000n;
    assert.equal(f.address, 0xffffffff80000000n);
  });

  it('columns past 32767 (two columns share one integer) and up to MAX_FRAME_COLUMN', () => {
    const pad = ' '.repeat(40000);
    const line = `${pad}[<ffffffff8020622a>] hypercall_page+0x22a/0x1000 [xen_blkfront]`;
    const [f] = parseFrames(line, 40000);
    assert.equal(f.start, 40000);
    assert.equal(line.slice(f.addrStart, f.addrEnd), 'ffffffff8020622a');
    assert.equal(line.slice(f.symStart, f.symEnd), 'hypercall_page');
    assert.equal(line.slice(f.offStart, f.offEnd), '+0x22a/0x1000');
    assert.equal(line.slice(f.modStart, f.modEnd), 'xen_blkfront');
    assert.equal(f.end, line.length);
    assert.equal(MAX_FRAME_COLUMN, 0xfffe);
  });

  it('format, role and reliability set independently', () => {
    const [f] = parseFrames(' [<ffffffff8020622a>] ? hypercall_page+0x22a/0x1000');
    assert.deepEqual([f.format, f.role, f.reliable], ['x86', 'trace', false]);
    f.role = 'aux';
    f.reliable = true;
    f.format = 'xen';
    assert.deepEqual([f.format, f.role, f.reliable], ['xen', 'aux', true]);
    f.address = undefined;
    assert.equal(f.address, undefined);
    f.address = 0xffff82d080200000n;
    assert.equal(f.address, 0xffff82d080200000n);
    assert.equal(f.symStart >= 0 && f.symEnd > f.symStart, true);
  });
});

describe('registers of a report', () => {
  it('name, value, digits and columns of each, read back from the line', () => {
    const dump = 'RAX: 0000000000000000 RBX: ffffffff8020622a RCX: 00000000deadbeef R8: 80000000';
    const log = parseLog(`BUG: soft lockup - CPU#0 stuck for 23s! [a:1]\n${dump}\nGPR00: c000000000a1b2c3 0000000000000010\n`);
    const regs = log.reports[0].registers;
    const gprLine = 'GPR00: c000000000a1b2c3 0000000000000010';
    const expected = [...dump.matchAll(/(\w+): ([0-9a-f]+)/g)].map((m) => ({ name: m[1], hex: m[2], line: 1, start: m.index + m[1].length + 2 }));
    expected.push({ name: 'GPR00', hex: 'c000000000a1b2c3', line: 2, start: 7 }, { name: 'GPR01', hex: '0000000000000010', line: 2, start: 24 });
    assert.deepEqual(
      regs.map((r) => ({ name: r.name, hex: r.hex, line: r.line, start: r.start })),
      expected,
    );
    for (const r of regs) {
      assert.equal(r.value, BigInt('0x' + r.hex));
      const text = r.line === 1 ? dump : gprLine;
      assert.equal(text.slice(r.start, r.end), r.hex);
    }
  });
});

describe('lines past the columns a frame can hold', () => {
  it('are reported and skipped, not parsed with wrong columns, even when the option allows them', () => {
    const long = `${' '.repeat(70000)}[<ffffffff8020622a>] hypercall_page+0x22a/0x1000`;
    const log = parseLog(`Call Trace:\n${long}\n [<ffffffff8020622a>] hypercall_page+0x22a/0x1000\n`, { maxLineLength: 1 << 20 });
    assert.deepEqual(log.frames.map((f) => f.line), [2]);
    assert.match(log.diagnostics.map((d) => d.message).join('\n'), /line 2 is 70048 characters long/);
  });
});
