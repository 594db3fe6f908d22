import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parseLog } from '../../../server/src/core/oops/reports';
import { parseFrames } from '../../../server/src/core/oops/frames';
import { explainSelector, hypercallOfFrame, xenNotesForReport } from '../../../server/src/core/oops/xenNotes';
import { normalizeSymbol, stackGroups } from '../../../server/src/core/oops/signature';

const LOGS = path.join(__dirname, '../../fixtures/oops/logs');

describe('Xen notes', () => {
  it('hypercall_page+0x22a is stub 17 = xen_version (0x22a = 554 = 17*32 + 10)', () => {
    const [f] = parseFrames(' [<ffffffff8020622a>] hypercall_page+0x22a/0x1000');
    assert.match(hypercallOfFrame(f) ?? '', /stub 17 = __HYPERVISOR_xen_version/);
    assert.match(hypercallOfFrame(f) ?? '', /64-bit PV/);
  });
  it('xen_hypercall_sched_op names its hypercall', () => {
    const [f] = parseFrames(' [<ffffffff810013aa>] ? xen_hypercall_sched_op+0xa/0x20');
    assert.match(hypercallOfFrame(f) ?? '', /__HYPERVISOR_sched_op/);
  });
  it('raw_safe_halt → hypercall_page+0x3aa (stub 29) is explained as an idle vCPU in sched_op', () => {
    const text = fs.readFileSync(path.join(LOGS, 'xen-bugzilla-543-2.6.18-xen-domU-softlockup.txt'), 'utf8');
    const log = parseLog(text);
    // file lines 30–32: `<EOI> [<…63aa>] hypercall_page+0x3aa/0x1000`, again, then `raw_safe_halt+0xb7/0xdd`
    const report = log.reports.find((r) => r.line <= 29 && 29 <= r.endLine)!;
    const notes = xenNotesForReport(report);
    assert.ok(notes.some((n) => /raw_safe_halt → __HYPERVISOR_sched_op: the vCPU was idle/.test(n.message)), JSON.stringify(notes));
    // the first report (xen_version at 0x22a, under force_evtchn_callback) is not an idle one
    const first = log.reports[0];
    assert.ok(!xenNotesForReport(first).some((n) => /idle/.test(n.message)));
  });
  it('segment selectors', () => {
    assert.match(explainSelector('e030') ?? '', /PV guest kernel/);
    assert.match(explainSelector('e033') ?? '', /PV guest user/);
    assert.match(explainSelector('e008') ?? '', /hypervisor/);
    assert.match(explainSelector('0010') ?? '', /kernel/);
    assert.equal(explainSelector('1234'), undefined);
  });
  it('the PV domU lockup report explains RIP e030 and RSP e02b', () => {
    const text = fs.readFileSync(path.join(LOGS, 'xen-4.17-qemu-pv-domU-softlockup.txt'), 'utf8');
    const lines = text.split('\n');
    const log = parseLog(text);
    const notes = xenNotesForReport(log.reports[0], (l) => lines[l]);
    assert.ok(notes.some((n) => n.message.startsWith('RIP selector e030')));
    assert.ok(notes.some((n) => n.message.startsWith('RSP selector e02b')));
  });
});

describe('signatures', () => {
  it('drops compiler clone suffixes', () => {
    assert.equal(normalizeSymbol('csd_lock_wait.isra.1'), 'csd_lock_wait');
    assert.equal(normalizeSymbol('dump_stack_print_info.cold'), 'dump_stack_print_info');
    assert.equal(normalizeSymbol('foo.constprop.0.isra.0'), 'foo');
    assert.equal(normalizeSymbol('.eeh_dev_check_failure'), '.eeh_dev_check_failure');
  });
  it('identical WARNINGs group together; different stacks do not', () => {
    // abrt 10_oopses: six `radeon_gart_unbind` WARNINGs (grep -c 'radeon_gart.c:235' = 6), then three other stacks
    const text = fs.readFileSync(path.join(LOGS, 'abrt-examples-10_oopses.txt'), 'utf8');
    assert.equal(text.split('\n').filter((l) => l.includes('radeon_gart.c:235')).length, 6);
    const log = parseLog(text);
    const groups = stackGroups(log.reports);
    assert.equal(groups[0].count, 6);
    assert.match(groups[0].signature, /^radeon_gart_unbind < /);
    assert.ok(groups.length >= 3);
  });
  it('offsets and unreliable frames do not change a signature', () => {
    const a = parseLog('BUG: soft lockup - CPU#0 stuck for 23s! [a:1]\nCall Trace:\n foo+0x1/0x10\n ? junk+0x5/0x9\n bar+0x2/0x20\n');
    const b = parseLog('BUG: soft lockup - CPU#1 stuck for 99s! [b:2]\nCall Trace:\n foo+0x7/0x10\n bar+0x9/0x20\n');
    assert.equal(a.reports[0].signature, 'foo < bar');
    assert.equal(a.reports[0].signature, b.reports[0].signature);
  });
});
