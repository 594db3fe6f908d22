import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { peelLine, payloadOf } from '../../../server/src/core/oops/lineWrappers';
import { parseLog } from '../../../server/src/core/oops/reports';

// Each wrapped line is a real example from oops-formats.md §1.1 (or built from one); the payload
// is what follows the wrapper as the table describes it.
const CASES: [string, string, string][] = [
  ['printk time', '[  772.918915] BUG: unable to handle kernel paging request', 'BUG: unable to handle kernel paging request'],
  ['wide printk time', '[178856.137422] WARNING: at foo', 'WARNING: at foo'],
  ['caller id C', '[ 1117.938056][    C0] watchdog: BUG: soft lockup - CPU#0 stuck for 123s!', 'watchdog: BUG: soft lockup - CPU#0 stuck for 123s!'],
  ['caller id T, no space', '[  492.198599][T24950] WARNING: possible circular locking dependency detected', 'WARNING: possible circular locking dependency detected'],
  ['console level', '<6>[   85.501187] WARNING: foo', 'WARNING: foo'],
  ['/proc/kmsg user facility', '<12>[    2.249991] foxusr: wait count = 2', 'foxusr: wait count = 2'],
  ['raw /dev/kmsg', '4,5011,12915312290,-; </IRQ>', ' </IRQ>'],
  ['bat gutter + raw kmsg', '7350   │ 4,5011,12915312290,-; </IRQ>', ' </IRQ>'],
  ['dmesg -T', '[Wed Aug  3 19:07:28 2022]  <TASK>', ' <TASK>'],
  ['syslog + printk time', 'Oct  3 16:38:20 m kernel: [  844.746243] RIP: 0010:[<ffffffff81088847>]', 'RIP: 0010:[<ffffffff81088847>]'],
  ['abrt placeholder host', 'Nov 19 12:34:38 :HOSTNAME: kernel: RIP: 0010:[<ffffffffa006c13c>]', 'RIP: 0010:[<ffffffffa006c13c>]'],
  ['klogd 1990s', 'Aug 29 09:51:01 blizard kernel: EIP:    0010:[oops:_oops+16/3868]', 'EIP:    0010:[oops:_oops+16/3868]'],
  ['syslogd wall', ' kernel:[ 1016.841821] BUG: soft lockup - CPU#5 stuck for 23s! [modprobe:4176]', 'BUG: soft lockup - CPU#5 stuck for 23s! [modprobe:4176]'],
  ['syslog-ng', 'Jun 06 15:45:40 [kernel] [ 1596.567002]  <IRQ>  [<ffffffff8146c8b8>] __const_udelay+0x28/0x30', ' <IRQ>  [<ffffffff8146c8b8>] __const_udelay+0x28/0x30'],
  ['journalctl short', 'Aug 15 13:57:28 dom0 kernel:  </TASK>', ' </TASK>'],
  ['host re-logged guest console', 'Mar 20 21:09:13.697177 VM Network (1): [   13.212539] R13: 0000000000000000', 'R13: 0000000000000000'],
  ['Xen plain', '(XEN) Xen call trace:', 'Xen call trace:'],
  ['Xen boot time', '(XEN) [  150.587779] ----[ Xen-4.7-unstable  x86_64  debug=y  Not tainted ]----', '----[ Xen-4.7-unstable  x86_64  debug=y  Not tainted ]----'],
  ['Xen datems', '(XEN) [2025-02-16 21:56:40.182] Xen call trace:', 'Xen call trace:'],
  ['Xen date', '(XEN) [2025-02-16 21:56:40] Xen call trace:', 'Xen call trace:'],
  ['Xen raw', '(XEN) [0000001234abcdef] Xen call trace:', 'Xen call trace:'],
  ['e-mail quote', '> [   36.570488] Oops: 0010 [1] SMP ', 'Oops: 0010 [1] SMP '],
  ['double quote', '>> [   36.570488] Oops: 0010 [1] SMP', 'Oops: 0010 [1] SMP'],
  ['login prompt', 'rpi login: [  185.138583] 8<--- cut here ---', '8<--- cut here ---'],
  ['CRLF', '[    1.000000] Call Trace:\r', 'Call Trace:'],
  ['nothing to peel', 'INFO: task kworker/u4:6:5166 blocked for more than 143 seconds.', 'INFO: task kworker/u4:6:5166 blocked for more than 143 seconds.'],
  ['frame line is not a timestamp', ' [<ffffffff81067c33>] warn_slowpath_common+0x83/0xc0', ' [<ffffffff81067c33>] warn_slowpath_common+0x83/0xc0'],
  ['lockdep banner is not a timestamp', '[ INFO: possible recursive locking detected ]', '[ INFO: possible recursive locking detected ]'],
];

describe('peelLine', () => {
  for (const [name, line, payload] of CASES) {
    it(name, () => {
      const p = peelLine(line);
      assert.equal(line.slice(p.start, p.end), payload);
      assert.equal(payloadOf(line), payload);
    });
  }
  it('marks Xen lines', () => {
    assert.equal(peelLine('(XEN) [  1.0] CPU:    6').xen, true);
    assert.equal(peelLine('[  1.0] CPU: 6 PID: 1').xen, false);
  });
  it('keeps the column of the payload so positions map to the original line', () => {
    const line = 'Oct  3 16:38:20 m kernel: [  844.746243] RIP: 0010:x';
    assert.equal(peelLine(line).start, line.indexOf('RIP'));
  });
});

describe('journalctl -r (newest first)', () => {
  // A 6.x soft lockup as journalctl prints it, then reversed line by line as `-r` shows it.
  const forward = [
    'Aug 15 13:57:20 dom0 kernel: watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [kworker/1:1:61]',
    'Aug 15 13:57:21 dom0 kernel: CPU: 1 PID: 61 Comm: kworker/1:1 Not tainted 6.1.0-56-amd64 #1',
    'Aug 15 13:57:22 dom0 kernel: RIP: e030:xen_hypercall_sched_op+0xa/0x20',
    'Aug 15 13:57:23 dom0 kernel: Call Trace:',
    'Aug 15 13:57:24 dom0 kernel:  <TASK>',
    'Aug 15 13:57:25 dom0 kernel:  xen_safe_halt+0x10/0x20',
    'Aug 15 13:57:26 dom0 kernel:  default_idle+0x9/0x20',
    'Aug 15 13:57:27 dom0 kernel:  do_idle+0x20c/0x2b0',
    'Aug 15 13:57:28 dom0 kernel:  </TASK>',
  ];
  it('is detected and read bottom-up', () => {
    const log = parseLog([...forward].reverse().join('\n'));
    assert.equal(log.reversed, true);
    assert.equal(log.reports.length, 1);
    const r = log.reports[0];
    assert.equal(r.kind, 'soft-lockup');
    assert.equal(r.cpu, 1);
    // the headline is the last line of the reversed text (line 8); the report spans lines 0..8
    assert.equal(r.line, 0);
    assert.equal(r.endLine, 8);
    const trace = r.frames.filter((f) => f.role === 'trace').map((f) => f.symbol);
    assert.deepEqual(trace, ['xen_safe_halt', 'default_idle', 'do_idle']);
    assert.equal(r.frames.find((f) => f.symbol === 'xen_safe_halt')?.line, 3);
  });
  it('a forward journal is not reversed', () => {
    assert.equal(parseLog(forward.join('\n')).reversed, false);
  });
});
