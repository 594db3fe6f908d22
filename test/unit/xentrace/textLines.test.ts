import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describeTraceLine, descriptionMarkdown } from '../../../server/src/core/xentrace/describe';
import { bytesFromDump, parseDumpLine, parseHexWords, parseXenalyzeLine, parseXentraceFormatLine } from '../../../server/src/core/xentrace/textLines';

// Lines are the reference's quoted tool output (xentrace-format.md §4.1–4.3, §3.10) or, for
// xxd/hexdump, produced by running those tools on the fixture.
const S1 = path.join(__dirname, '../../fixtures/xentrace/xentrace-parser-rs-example.bin');

describe('xentrace_format lines', () => {
  it('parses CPU, TSC, reltsc, label and the bracketed pairs', () => {
    const x = parseXentraceFormatLine('CPU0  50475887396307 (+   16128)  VMEXIT      [ exitcode = 0x00000007, rIP  = 0xffffffff8cc0007e ]');
    assert.deepEqual(x, {
      cpu: 0,
      tsc: '50475887396307',
      reltsc: 16128,
      label: 'VMEXIT',
      pairs: [
        { key: 'exitcode', value: '0x00000007' },
        { key: 'rIP', value: '0xffffffff8cc0007e' },
      ],
    });
  });
  it('running_to_blocked → RUNSTATE_CHANGE 0x00021021; a 64-bit value picks the 64-bit rule', () => {
    const d = describeTraceLine('CPU0  50475882834000 (+     672)  running_to_blocked  [ dom:vcpu = 0x00000002 ]')!;
    assert.equal(d.event, 0x00021021);
    assert.deepEqual(d.flags, ['running→blocked']);
    const v = describeTraceLine('CPU0  50475887396307 (+   16128)  VMEXIT      [ exitcode = 0x00000007, rIP  = 0xffffffff8cc0007e ]')!;
    assert.equal(v.event, 0x00081102);
    assert.equal(v.is64, true);
  });
  it('flags the formats file\'s known mistakes (PF_XEN swapped, credit2 19–23 off by one)', () => {
    const pf = describeTraceLine('CPU1  0 (+       0)  PF_XEN      [ errorcode = 0xb8000, virt = 0x00000002 ]')!;
    assert.match(pf.notes.join(' '), /swapped/);
    const c2 = describeTraceLine('CPU0  50475882829494 (+    3609)  csched2:schedule       [ rq:cpu = 0x00000000, tasklet[8]:idle[8]:smt_idle[8]:tickled[8] = 00000000 ]')!;
    assert.equal(c2.name, 'TRC_CSCHED2_SCHEDULE');
    assert.match(c2.notes.join(' '), /one too low/);
  });
  it('dom:vcpu is two words (0x%(1)04x%(2)04x) or one packed word; a 64-bit rIP is two words, low first', () => {
    const block = describeTraceLine('CPU0  50475882825885 (+       0)  do_block          [ dom:vcpu = 0x00000002 ]')!;
    assert.equal(block.event, 0x00028006);
    assert.deepEqual(block.rawWords, [0, 2]);
    const rs = describeTraceLine('CPU0  50475882834000 (+     672)  running_to_blocked  [ dom:vcpu = 0x00000002 ]')!;
    assert.deepEqual(rs.rawWords, [2]);
    assert.deepEqual(rs.flags, ['running→blocked']);
    // formats: exitcode = 0x%(1)08x, rIP = 0x%(3)08x%(2)08x; VMX basic exit reason 7 is the interrupt window.
    const exit = describeTraceLine('CPU0  50475887396307 (+   16128)  VMEXIT      [ exitcode = 0x00000007, rIP  = 0xffffffff8cc0007e ]')!;
    assert.deepEqual(exit.rawWords, [7, 0x8cc0007e, 0xffffffff]);
    assert.match(exit.fields.find((f) => f.name === 'exit_reason')?.meaning ?? '', /VIRT_INTR/);
  });
  it('V1 hypercall line of old Xen; lines without brackets', () => {
    const h = describeTraceLine('CPU0 931534214445874 (+ 1844) hypercall [ eip = 0xc1002227, eax = 0x00000011 ]')!;
    assert.equal(h.className, 'TRC_PV');
    // eip/eax is the V1 layout, which Xen <= 4.2 wrote as 0x0020f001 (reference §3, 4.3 row);
    // eax 0x11 = 17 = __HYPERVISOR_xen_version in public/xen.h.
    assert.equal(h.event, 0x0020f001);
    assert.equal(h.name, 'TRC_PV_HYPERCALL');
    assert.deepEqual(h.rawWords, [0xc1002227, 0x11]);
    assert.match(h.fields.find((f) => f.name === 'eax')?.meaning ?? '', /__HYPERVISOR_xen_version/);
    // Old formats: prev<domid:edomid> = 0x%(1)08x : 0x%(2)08x, next… = 0x%(3)08x : 0x%(4)08x.
    const sw = describeTraceLine('CPU0 931534214457162 (+ 466) __enter_scheduler [ prev<domid:edomid> = 0x00000000 : 0x00000005, next<domid:edomid> = 0x00007fff : 0x00000000 ]')!;
    assert.deepEqual(sw.rawWords, [0, 5, 0x7fff, 0]);
    assert.match(sw.fields.find((f) => f.name === 'next_dom')?.meaning ?? '', /idle/);
    const c = parseXentraceFormatLine('CPU0  0 (+       0)  cpu_change        0x00000000')!;
    assert.equal(c.label, 'cpu_change');
    assert.equal(c.bare, '0x00000000');
  });
});

describe('xenalyze --dump-all lines', () => {
  it('names scheduler records by xenalyze\'s own spelling (csched2:runq_insert is RUNQ_POS)', () => {
    // xenalyze.c prints "csched2:runq_insert" for TRC_SCHED_CLASS_EVT(CSCHED2, 2); trace.h:
    // TRC_SCHED_CLASS 0x00022000 | (class 1 << 9) | 2 = 0x00022202.
    const d = describeTraceLine('     0.000845622 |||||||||||.x||| d32768v12 csched2:runq_insert d0v13, position 0')!;
    assert.equal(d.event, 0x00022202);
    assert.equal(d.cpu, 12);
  });
  it('puts a runstate change\'s old->new into the ID, and reads a line quoted without its prefix', () => {
    // Xen ORs (old state << 8) | (new state << 4) into TRC_SCHED_RUNSTATE_CHANGE (0x00021001);
    // runnable = 1, running = 0 (public/vcpu.h). Line from Xen commit 395218954b01.
    const d = describeTraceLine('0.014553536 ---x d?v? runstate_change d1v0 runnable->running')!;
    assert.equal(d.event, 0x00021001 | (1 << 8) | (0 << 4));
    assert.deepEqual(d.flags, ['runnable→running']);
    assert.equal(d.cpu, 3);
  });
  it('anchors on the time and dXvY even with spaces in the pCPU string', () => {
    const x = parseXenalyzeLine(']  0.000701752 - .  x- d14v2 vmexit exit_reason EXTERNAL_INTERRUPT eip ffffffff8c0043b9')!;
    assert.equal(x.prefix, ']');
    assert.equal(x.time, '0.000701752');
    assert.equal(x.pcpu, 5); // "- .  x-": characters 0–6 are pCPUs 0–6; the x is at index 5
    assert.deepEqual([x.dom, x.vcpu, x.keyword], [14, 2, 'vmexit']);
  });
  it('time 0 is 14 spaces; glued status text before the record is tolerated', () => {
    const z = parseXenalyzeLine('                x .  .. d32768v0 vcpu_block d0v2')!;
    assert.equal(z.time, undefined);
    assert.equal(z.keyword, 'vcpu_block');
    const glued = parseXenalyzeLine('d0v7 RUNSTATE_RUNNING detected, leaving INIT]  0.000380810 - .  x| d32768v5 vmexit exit_reason X')!;
    assert.deepEqual([glued.time, glued.dom, glued.vcpu, glued.keyword], ['0.000380810', 32768, 5, 'vmexit']);
  });
  it('generic fallback lines carry the ID and words: full decode', () => {
    // Commit 750ec2271dca: 22005(2:2:5) 3 [ a 1 8 ] = credit PICKED_CPU d10 unit 1 cpu 8.
    const d = describeTraceLine(']  3.466115364 x|------|------| d10v1   22005(2:2:5) 3 [ a 1 8 ]')!;
    assert.equal(d.name, 'TRC_CSCHED_PICKED_CPU');
    assert.deepEqual(d.fields.map((f) => [f.name, f.text]), [['dom', '10'], ['unit', '1'], ['cpu', '8']]);
  });
  it('named records with words: cpuid [ … ] decodes with the 6-word layout', () => {
    const d = describeTraceLine(']  0.397146609 x------- d14v0 cpuid [ 0 99859fcb b 756e6547 6c65746e 49656e69 ]')!;
    assert.equal(d.event, 0x0008200e);
    assert.equal(d.fields.find((f) => f.name === 'subleaf')?.text, '0x99859fcb');
  });
  it('csched2 keywords map to their events; lost_records lines too', () => {
    assert.equal(describeTraceLine('     0.000845622 |||||||||||.x||| d32768v12 csched2:schedule cpu 6, rq# 0, idle, SMT idle, tickled')?.event, 0x00022215);
    assert.equal(describeTraceLine('   0.000002000 x d0v0 lost_records count 5 d1v2 (cur d0v0) first_tsc 1500')?.name, 'TRC_LOST_RECORDS');
  });
});

describe('hex words and dumps', () => {
  it('pasted words: header, TSC, payload (reference §3.5 VMX_EXIT64 example)', () => {
    const d = describeTraceLine('b0081102 4e6dc8e7 00002de8 00000007 8cc0007e ffffffff')!;
    assert.equal(d.name, 'TRC_HVM_VMX_EXIT');
    assert.equal(d.tsc, String(0x00002de84e6dc8e7n));
    assert.equal(d.fields.find((f) => f.name === 'rip')?.text, '0xffffffff8cc0007e');
  });
  it('byte-order groups (§3.10 vectors) are recognised as little-endian bytes', () => {
    const block = describeTraceLine('068002a0 9dc81055 e82d0000 00000000 02000000')!;
    assert.equal(block.name, 'TRC_SCHED_BLOCK');
    assert.equal(block.tsc, '50475882825885');
    const rs = describeTraceLine('01110290d3e91055e82d00000000ff7f')!;
    assert.equal(rs.event, 0x00021101);
    assert.match(rs.fields.find((f) => f.name === 'dom')?.meaning ?? '', /idle/);
    const iw = describeTraceLine('20200830 f3000000 05000000 f3000000')!;
    assert.equal(iw.name, 'TRC_HVM_INTR_WINDOW');
  });
  it('od -t x4 offsets are dropped; junk is rejected', () => {
    assert.deepEqual(parseHexWords('0000000 2001f003 00000000 00002124'), ['2001f003', '00000000', '00002124']);
    assert.equal(parseHexWords('hello world'), undefined);
    assert.equal(describeTraceLine('just some text'), undefined);
    assert.equal(describeTraceLine('x'.repeat(10_000_000)), undefined);
  });
  it('xenalyze --dump-raw-reads lines: the raw words between the bars', () => {
    const d = describeTraceLine('R p 0 o0000000000000000    1f003 2              - [        0     2124 ] |  2001f003 00000000 00002124 a0028006 5510c89d 00002de8 00000000 00000002 |')!;
    assert.equal(d.name, 'TRC_SCHED_BLOCK');
    assert.equal(d.cpu, 0);
  });
  it('real xxd and hexdump -C output of the fixture parse back to its bytes', () => {
    const xxd = spawnSync('xxd', ['-l', '64', S1], { encoding: 'utf8' });
    const hd = spawnSync('hexdump', ['-C', '-n', '64', S1], { encoding: 'utf8' });
    if (xxd.error || hd.error) assert.fail('xxd and hexdump are needed (Debian packages xxd and bsdextrautils)');
    const fileHead = fs.readFileSync(S1).subarray(0, 64);
    assert.deepEqual(bytesFromDump(xxd.stdout.split('\n'))?.bytes, fileHead);
    assert.deepEqual(bytesFromDump(hd.stdout.split('\n'))?.bytes, fileHead);
    const line = hd.stdout.split('\n')[0]!;
    assert.equal(parseDumpLine(line)?.kind, 'hexdump');
    const d = describeTraceLine(xxd.stdout.split('\n')[0]!)!;
    assert.equal(d.name, 'TRC_TRACE_CPU_CHANGE');
    assert.equal(d.fields.find((f) => f.name === 'window_bytes')?.text, '8484');
  });
  it('markdown names the event, its fields and the layout versions', () => {
    const md = descriptionMarkdown(describeTraceLine('b0081102 4e6dc8e7 00002de8 00000007 8cc0007e ffffffff')!);
    assert.match(md, /\*\*TRC_HVM_VMX_EXIT\*\* \(64-bit variant\) `0x00081102`/);
    assert.match(md, /\| exit_reason \| `0x7` \| VMX PENDING_VIRT_INTR/);
    assert.match(md, /layout: Xen 3\.3\+/);
  });
});
