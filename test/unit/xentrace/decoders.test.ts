import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodePayload, eventIdsByName, knownEventIds, lookupEvent } from '../../../server/src/core/xentrace/catalogue';
import type { DecodedField } from '../../../server/src/core/xentrace/decoders/layout';

// Expected values below are written from the emitters' struct definitions as summarised in
// shared/reference/xentrace-format.md §3 (word order, bitfield order: first member = low bits),
// and worked out by hand in the comments. They are not copied from the decoder's output.

function decode(event: number, words: number[]) {
  const info = lookupEvent(event);
  const p = decodePayload(info, words);
  const byName = (n: string): DecodedField => {
    const f = p.fields.find((x) => x.name === n);
    assert.ok(f, `field ${n} missing in ${JSON.stringify(p.fields.map((x) => x.name))}`);
    return f;
  };
  return { info, p, v: (n: string) => byName(n).value, f: byName };
}

describe('GEN records', () => {
  it('LOST_RECORDS: count, did (low 16), vid (high 16), first_tsc (lo, hi)', () => {
    // w1 = 0x00020001 → did 1, vid 2 (the reference's xenalyze check printed "d1v2").
    const { v, info } = decode(0x0001f001, [5, 0x00020001, 0x89abcdef, 0x1]);
    assert.equal(info.name, 'TRC_LOST_RECORDS');
    assert.equal(v('lost_records'), 5);
    assert.equal(v('did'), 1);
    assert.equal(v('vid'), 2);
    assert.equal(v('first_tsc'), 0x1_89abcdef);
  });
  it('LOST_RECORDS of Xen 3.2–3.3 has only the count', () => {
    const { p } = decode(0x0001f001, [9]);
    assert.equal(p.versions, '3.2–3.3');
    assert.deepEqual(p.fields.map((f) => [f.name, f.value]), [['lost_records', 9]]);
  });
  it('DOM0 DOM_ADD: domid', () => {
    assert.equal(decode(0x00041001, [7]).v('domid'), 7);
  });
});

describe('SCHED records', () => {
  it('runstate bits: 0x00021021 is running→blocked, 0x00021211 blocked→runnable', () => {
    assert.deepEqual(lookupEvent(0x00021021).flags, ['running→blocked']);
    assert.deepEqual(lookupEvent(0x00021211).flags, ['blocked→runnable']);
    assert.equal(lookupEvent(0x00021101).name, 'TRC_SCHED_RUNSTATE_CHANGE');
  });
  it('RUNSTATE_CHANGE w0 0x7fff0000 is d32767v0, the idle vCPU', () => {
    const { v, f } = decode(0x00021101, [0x7fff0000]);
    assert.equal(v('dom'), 32767);
    assert.equal(v('vcpu'), 0);
    assert.match(f('dom').meaning ?? '', /idle/);
  });
  it('SWITCH: prev dom, prev vcpu, next dom, next vcpu', () => {
    const { v } = decode(0x0002800a, [0, 2, 0x7fff, 0]);
    assert.deepEqual([v('prev_dom'), v('prev_vcpu'), v('next_dom'), v('next_vcpu')], [0, 2, 32767, 0]);
  });
  it('SWITCH_INFPREV: 3 words since 4.8, 2 words before (layout by word count)', () => {
    const nu = decode(0x0002800e, [0, 2, 4301869]);
    assert.equal(nu.p.versions, '4.8+');
    assert.deepEqual([nu.v('domid'), nu.v('vcpu'), nu.v('runtime')], [0, 2, 4301869]);
    const old = decode(0x0002800e, [1, 123456]);
    assert.equal(old.p.versions, '≤4.7');
    assert.deepEqual([old.v('domid'), old.v('runtime')], [1, 123456]);
  });
  it('SWITCH_INFNEXT: 4.8+ dom, vcpu, rsince, slice (signed; -1 = none); ≤4.7 dom, rsince, slice', () => {
    const nu = decode(0x0002800f, [0x7fff, 0, 4300780, 0xffffffff]);
    assert.equal(nu.v('slice'), -1);
    assert.equal(nu.v('rsince'), 4300780);
    const old = decode(0x0002800f, [3, 10, 30000000]);
    assert.deepEqual([old.v('domid'), old.v('rsince'), old.v('slice')], [3, 10, 30000000]);
  });
  it('SWITCH_INFCONT (4.9+): dom, vcpu, runtime, slice', () => {
    const { v } = decode(0x00028011, [1, 3, 1000, 2000]);
    assert.deepEqual([v('domid'), v('vcpu'), v('runtime'), v('slice')], [1, 3, 1000, 2000]);
  });
  it('DOM_ADD: 1 word since 4.7, dom+vcpu before', () => {
    assert.equal(decode(0x00028001, [4]).p.versions, '4.7+');
    assert.equal(decode(0x00028001, [4, 1]).v('vcpuid'), 1);
  });
  it('SHUTDOWN_CODE reason 3 is crash', () => {
    assert.equal(decode(0x00028010, [5, 0, 3]).f('reason').meaning, 'SHUTDOWN_crash');
  });
  it('legacy pre-3.4 IDs 0x0002f0nn have the same events', () => {
    assert.equal(lookupEvent(0x0002f00a).name, 'TRC_SCHED_SWITCH');
    assert.match(decode(0x0002f00a, [0, 1, 2, 3]).p.versions, /≤3\.3/);
  });
});

describe('scheduler-specific records', () => {
  it('credit2 IDs 19–23 are 0x22213–0x22217 (the formats file had them one too low)', () => {
    assert.equal(lookupEvent(0x00022213).name, 'TRC_CSCHED2_PICKED_CPU');
    assert.equal(lookupEvent(0x00022214).name, 'TRC_CSCHED2_RUNQ_CANDIDATE');
    assert.equal(lookupEvent(0x00022215).name, 'TRC_CSCHED2_SCHEDULE');
    assert.equal(lookupEvent(0x00022216).name, 'TRC_CSCHED2_RATELIMIT');
    assert.equal(lookupEvent(0x00022217).name, 'TRC_CSCHED2_RUNQ_CAND_CHECK');
    assert.equal(lookupEvent(0x00022212).known, false); // event 18 is unused
  });
  it('credit2 CREDIT_BURN: (unit:16, dom:16), credit, budget (INT_MIN = none), delta', () => {
    // From [S1]: 00000002 005cc88e 80000000 0041a42d → d0 unit 2, credit 6080654, no budget, delta 4301869.
    const { v, f } = decode(0x00022203, [0x00000002, 0x005cc88e, 0x80000000, 0x0041a42d]);
    assert.deepEqual([v('dom'), v('unit'), v('credit'), v('budget'), v('delta')], [0, 2, 6080654, -2147483648, 4301869]);
    assert.match(f('budget').meaning ?? '', /no budget/);
  });
  it('credit2 UPDATE_RUNQ_LOAD: two u64 loads, (load:16, rq_id:8, shift:8), padding', () => {
    // 0x12000002: load = 0x0002, rq_id = 0x00, shift = 0x12 = 18.
    const { v } = decode(0x0002220c, [119313, 0, 119314, 0, 0x12000002, 0xffff8301]);
    assert.deepEqual([v('rq_avgload'), v('b_avgload'), v('rq_load'), v('rq_id'), v('shift'), v('pad')], [119313, 119314, 2, 0, 18, 0xffff8301]);
  });
  it('credit2 SCHEDULE: (cpu:16, rqi:16), then tasklet, idle, smt_idle, tickled bytes', () => {
    // w0 0x00010006: cpu 6, rqi 1. w1 0x01010100: tasklet 0, idle 1, smt_idle 1, tickled 1.
    const { v } = decode(0x00022215, [0x00010006, 0x01010100]);
    assert.deepEqual([v('cpu'), v('rqi'), v('tasklet'), v('idle'), v('smt_idle'), v('tickled')], [6, 1, 0, 1, 1, 1]);
  });
  it('credit2 RUNQ_CANDIDATE: unit/dom, tickled_cpu (-1 = none), credit', () => {
    const { v, f } = decode(0x00022214, [0x7fff0000, 0xffffffff, 0xff676980]);
    assert.deepEqual([v('dom'), v('unit'), v('tickled_cpu'), v('credit')], [32767, 0, -1, -10000000]);
    assert.equal(f('tickled_cpu').meaning, 'none');
  });
  it('credit SCHEDULE: cpu:16, tasklet:8, idle:8', () => {
    const { v } = decode(0x00022009, [0x01000003]);
    assert.deepEqual([v('cpu'), v('tasklet'), v('idle')], [3, 0, 1]);
  });
  it('credit STOLEN_UNIT: peer_cpu, dom, unit', () => {
    const { v } = decode(0x00022004, [5, 2, 1]);
    assert.deepEqual([v('peer_cpu'), v('dom'), v('unit')], [5, 2, 1]);
  });
  it('RTDS RUNQ_PICK: unit/dom, cur_deadline u64, cur_budget u64', () => {
    const { info, v } = decode(0x00022802, [0x00010002, 10, 1, 20, 0]);
    assert.equal(info.name, 'TRC_RTDS_RUNQ_PICK');
    assert.deepEqual([v('dom'), v('unit'), v('cur_deadline'), v('cur_budget')], [1, 2, 0x1_0000000a, 20]);
  });
  it('null scheduler and ARINC653 IDs', () => {
    assert.equal(lookupEvent(0x00022a05).name, 'TRC_SNULL_SCHEDULE');
    const a653 = lookupEvent(0x00022601);
    assert.equal(a653.known, false);
    assert.deepEqual(a653.flags, ['scheduler: arinc653']);
  });
});

describe('PV records (field names of xen/arch/x86/pv/trace.c)', () => {
  it('TRAP 64: rip, then trapnr:15, use_error_code:1, error_code:16', () => {
    // trap word 0x0018800d: trapnr 13 (#GP), use_error_code 1, error_code 0x18.
    const { info, v, f } = decode(0x00201103, [0x81000200, 0xffffffff, 0x0018800d]);
    assert.equal(info.name, 'TRC_PV_TRAP');
    assert.equal(info.is64, true);
    assert.equal(v('rip'), 0xffffffff81000200n);
    assert.equal(v('trapnr'), 13);
    assert.match(f('trapnr').meaning ?? '', /#GP/);
    assert.equal(v('use_error_code'), 1);
    assert.equal(v('error_code'), 0x18);
  });
  it('TRAP 32: eip, trap word', () => {
    const { v } = decode(0x00201003, [0xc1002227, 0x0000000e]);
    assert.deepEqual([v('eip'), v('trapnr'), v('use_error_code')], [0xc1002227, 14, 0]);
  });
  it('PAGE_FAULT 64: rip (2), addr (2), error_code', () => {
    // From the reference: page_fault[ 81000200 ffffffff 1000 7f00 6 ]: ec 6 = not present, write, user.
    const { v, f } = decode(0x00201104, [0x81000200, 0xffffffff, 0x1000, 0x7f00, 6]);
    assert.equal(v('addr'), 0x7f00_00001000);
    assert.equal(f('error_code').meaning, 'not present, write, user');
  });
  it('PAGE_FAULT 32: eip, addr, error_code', () => {
    const { v } = decode(0x00201004, [0xc0100000, 0xb7000000, 0x5]);
    assert.deepEqual([v('eip'), v('addr'), v('error_code')], [0xc0100000, 0xb7000000, 5]);
  });
  it('PTWR_EMULATION_PAE: pte (2), addr, eip; PTWR_EMULATION 64: pte, addr, rip (2 each)', () => {
    const pae = decode(0x0020100c, [0x12345067, 0x80000000, 0xc0001000, 0xc0100000]);
    assert.equal(pae.v('pte'), 0x80000000_12345067n);
    assert.match(pae.f('pte').meaning ?? '', /^P RW US A D NX mfn 0x12345$/);
    const p64 = decode(0x0020110b, [0x1063, 0, 0x2000, 0x8800, 0x10, 0xffff8000]);
    assert.deepEqual([p64.v('pte'), p64.v('addr'), p64.v('rip')], [0x1063, 0x8800_00002000, 0xffff8000_00000010n]);
  });
  it('PAGING_FIXUP, GDT_LDT_MAPPING_FAULT, FORCED_INVALID_OP, EMULATE_PRIVOP', () => {
    assert.equal(decode(0x00201109, [1, 0, 2, 0]).v('addr'), 2);
    assert.equal(decode(0x0020100a, [1, 0x40]).v('offset'), 0x40);
    assert.equal(decode(0x00201105, [0x10, 0xffffffff]).v('rip'), 0xffffffff00000010n);
    assert.equal(decode(0x00201006, [0xc0000001]).v('eip'), 0xc0000001);
  });
  it('MATH_STATE_RESTORE has no payload', () => {
    assert.deepEqual(decode(0x00201008, []).p.fields, []);
  });
  it('HYPERCALL_V2 0x0010001d 1: sched_op, arg0 = SCHEDOP_block', () => {
    const { v, f } = decode(0x0020100d, [0x0010001d, 1]);
    assert.equal(v('op'), 29);
    assert.equal(f('op').meaning, '__HYPERVISOR_sched_op (29)');
    assert.equal(f('arg0').meaning, 'SCHEDOP_block');
  });
  it('HYPERCALL_V2 grant_table_op 0x01100014: arg0 = cmd, arg2 = count', () => {
    // Mask bits 20–31 = 0x011 → A0 = 1 (32-bit), A1 = 0, A2 = 1.
    const { p, f } = decode(0x0020100d, [0x01100014, 5, 3]);
    assert.deepEqual(p.fields.map((x) => x.name), ['op', 'arg_mask', 'arg0', 'arg2']);
    assert.equal(f('arg0').meaning, 'GNTTABOP_copy');
    assert.equal(f('arg2').meaning, '3 ops');
  });
  it('HYPERCALL_V2 with a 64-bit argument (size 2) takes two words', () => {
    // 0x00200001: A0 = 2 → arg0 is 64 bits.
    const { v } = decode(0x0020100d, [0x00200001, 0x1, 0x2]);
    assert.equal(v('arg0'), 0x2_00000001n);
  });
  it('mmu_update count with bit 31 is a preempted continuation', () => {
    assert.equal(decode(0x0020100d, [0x00400001, 0x80000004]).f('arg1').meaning, '4 ops (preempted)');
  });
  it('SUBCALL uses the V2 layout; legacy V1 hypercall has eip, eax', () => {
    assert.equal(decode(0x0020200e, [0x0040000d, 3]).f('arg1').meaning, '3 calls');
    const v1 = decode(0x0020f001, [0xc1002227, 0x11]);
    assert.equal(v1.info.name, 'TRC_PV_HYPERCALL');
    assert.equal(v1.f('eax').meaning, '__HYPERVISOR_xen_version (17)');
    assert.match(v1.p.versions, /3\.2–4\.2/);
    assert.equal(lookupEvent(0x0020f103).is64, true);
  });
});

describe('HVM records', () => {
  it('VMX_EXIT64: exit_reason, rip lo, rip hi (reference §3.5 example from [S1])', () => {
    const { info, v, f } = decode(0x00081102, [7, 0x8cc0007e, 0xffffffff]);
    assert.equal(info.name, 'TRC_HVM_VMX_EXIT');
    assert.equal(info.is64, true);
    assert.equal(v('rip'), 0xffffffff8cc0007en);
    assert.match(f('exit_reason').meaning ?? '', /PENDING_VIRT_INTR/);
  });
  it('SVM_EXIT (4.19+) reason 0x400 is NPF; 3 words on 0x00081003 is Xen 3.2 VMEXIT64', () => {
    assert.equal(decode(0x00081003, [0x400, 0x1000]).f('exit_reason').meaning, 'VMEXIT_NPF');
    const old = decode(0x00081003, [1, 2, 3]);
    assert.equal(old.p.name, 'TRC_HVM_VMEXIT64');
    assert.equal(old.p.versions, '3.2 only');
  });
  it('nested flag 0x400 on VMENTRY and SVM exits', () => {
    assert.deepEqual(lookupEvent(0x00081401).flags, ['nested guest']);
    assert.equal(lookupEvent(0x00081503).name, 'TRC_HVM_SVM_EXIT');
  });
  it('PF_XEN is error_code then va (the emitter), not va then error_code (xenalyze, formats)', () => {
    const { p } = decode(0x00082001, [0x2, 0xb8000]);
    assert.deepEqual(p.fields.map((x) => [x.name, x.value]), [['error_code', 2], ['va', 0xb8000]]);
    const p64 = decode(0x00082101, [0x3, 0x1000, 0x7fff]);
    assert.equal(p64.v('va'), 0x7fff_00001000);
    assert.equal(p64.f('error_code').meaning, 'protection violation, write, supervisor');
  });
  it('CPUID has 6 words with subleaf (formats had 5)', () => {
    // [S1]: 0, 99859fcb, b, 756e6547 "Genu", 6c65746e "ntel", 49656e69 "ineI".
    const { v } = decode(0x0008200e, [0, 0x99859fcb, 0xb, 0x756e6547, 0x6c65746e, 0x49656e69]);
    assert.deepEqual([v('leaf'), v('subleaf'), v('eax'), v('ebx')], [0, 0x99859fcb, 0xb, 0x756e6547]);
  });
  it('INTR_WINDOW: vector, source, pending (-1 = nothing)', () => {
    // [S1]: 20200830 f3000000 05000000 f3000000.
    const { v, f } = decode(0x00082020, [0xf3, 5, 0xf3]);
    assert.equal(v('vector'), 0xf3);
    assert.equal(f('source').meaning, 'vector');
    assert.equal(decode(0x00082020, [0x20, 2, 0xffffffff]).f('intr').meaning, 'nothing pending');
  });
  it('IOPORT_READ with 1 word is port only (xenalyze reads the next header as data)', () => {
    const { p } = decode(0x00082016, [0x1f0]);
    assert.deepEqual(p.fields.map((x) => [x.name, x.value]), [['port', 0x1f0]]);
    assert.equal(decode(0x00082216, [0xc206, 0x14a]).v('data'), 0x14a);
    assert.deepEqual(lookupEvent(0x00082216).flags, ['write']);
  });
  it('IOMEM_WRITE with 64-bit address: 0x00082317, gpa (2) and data (2)', () => {
    const { info, v } = decode(0x00082317, [0xfee00000, 0x1, 0x12, 0]);
    assert.equal(info.name, 'TRC_HVM_IOMEM_WRITE');
    assert.equal(v('gpa'), 0x1_fee00000);
    assert.equal(v('data'), 0x12);
  });
  it('INJ_VIRQ vector 0xf3; INJ_EXC #PF', () => {
    assert.equal(decode(0x00082004, [0xf3, 0]).v('vector'), 0xf3);
    assert.match(decode(0x00082003, [14, 2]).f('vector').meaning ?? '', /#PF/);
  });
  it('NPF: gpa (2), mfn (2), qualification, p2mt', () => {
    const { v } = decode(0x00082021, [0xfee00000, 0, 0x1234, 0, 0x181, 4]);
    assert.deepEqual([v('gpa'), v('mfn'), v('qualification'), v('p2mt')], [0xfee00000, 0x1234, 0x181, 4]);
  });
  it('MSR_WRITE, CR_WRITE64, XCR_WRITE64, RDTSC, VMMCALL', () => {
    assert.equal(decode(0x0008200d, [0xc0000080, 0xd01, 0]).v('value'), 0xd01);
    assert.equal(decode(0x00082109, [4, 0x3406f0, 0]).v('cr'), 4);
    assert.equal(decode(0x00082127, [0, 7, 0]).v('value'), 7);
    assert.equal(decode(0x0008201a, [1, 2]).v('tsc'), 0x2_00000001);
    assert.equal(decode(0x00082012, [29]).f('eax').meaning, '__HYPERVISOR_sched_op');
  });
  it('emulated devices: HPET start tn, irq, delta (2), period (2); LAPIC_PIC_INTR target, accept', () => {
    const { v } = decode(0x00084001, [0, 2, 100, 0, 200, 0]);
    assert.deepEqual([v('tn'), v('irq'), v('delta'), v('period')], [0, 2, 100, 200]);
    assert.deepEqual([decode(0x00084011, [1, 0]).v('target'), decode(0x00084011, [1, 0]).v('accept')], [1, 0]);
  });
});

describe('MEM, SHADOW and HW records', () => {
  it('SET_P2M_ENTRY: gfn, mfn, p2mt, (d:16, order:16)', () => {
    const { v } = decode(0x0010f004, [0x100, 0, 0x200, 0, 1, 0x00090005]);
    assert.deepEqual([v('gfn'), v('mfn'), v('p2mt'), v('d'), v('order')], [0x100, 0x200, 1, 5, 9]);
  });
  it('POD_POPULATE: pre-4.18 packed (d:16, order:16) + padding vs 4.18+ d, order', () => {
    const old = decode(0x0010f010, [1, 0, 2, 0, 0x00090003, 0xdeadbeef]);
    assert.equal(old.p.versions, '<4.18');
    assert.deepEqual([old.v('d'), old.v('order')], [3, 9]);
    const nu = decode(0x0010f010, [1, 0, 2, 0, 3, 9]);
    assert.equal(nu.p.versions, '4.18+');
    assert.deepEqual([nu.v('d'), nu.v('order')], [3, 9]);
  });
  it('shadow paging-level bits: 0x0040f0nn 2-level, f1nn 3-level, f2nn 4-level, widths follow', () => {
    assert.deepEqual(lookupEvent(0x0040f101).flags, ['guest paging: 3 levels']);
    // NOT_SHADOW: gl1e, va, flags. 2-level: 3 words; PAE: gl1e 64, va 32 → 4; 4-level: 5.
    assert.deepEqual(decode(0x0040f001, [0x1067, 0xb000, 1]).p.fields.map((x) => x.value), [0x1067, 0xb000, 1]);
    assert.equal(decode(0x0040f101, [0x1067, 0x8000, 0xb000, 1]).v('gl1e'), 0x8000_00001067);
    assert.equal(decode(0x0040f201, [0x1067, 0, 0xb000, 0x7fff, 1]).v('va'), 0x7fff_0000b000);
  });
  it('shadow EMULATE: flags:29 and emulation_count:3 share the last word', () => {
    // 2-level: gl1e, write_val, va, then 0x60000005 → flags 5, count 3.
    const { v } = decode(0x0040f008, [1, 2, 3, 0x60000005]);
    assert.deepEqual([v('flags'), v('emulation_count')], [5, 3]);
  });
  it('shadow UNSHADOW_*: gfn, va, plus a flags word since 4.19 (xenalyze rejects it)', () => {
    assert.equal(decode(0x0040f209, [1, 0, 2, 0]).p.versions, '3.4–4.18');
    const nu = decode(0x0040f209, [1, 0, 2, 0, 0x8]);
    assert.equal(nu.p.versions, '4.19+');
    assert.equal(nu.v('flags'), 8);
  });
  it('shadow RESYNC_FULL: gfn u64', () => {
    assert.equal(decode(0x0040f00e, [5, 1]).v('gfn'), 0x1_00000005);
  });
  it('IRQ BIND_VECTOR: w0 irq:16 | vector:16, then six mask words (xenalyze reads 4)', () => {
    const { p, v } = decode(0x00802003, [0x00300009, 0xff, 0, 0, 0, 0, 0]);
    assert.deepEqual([v('irq'), v('vector'), v('mask0')], [9, 0x30, 0xff]);
    assert.equal(p.fields.length, 8);
  });
  it('PM_IDLE_EXIT: cstate, tick, irq0..3; IRQ_HANDLED irq, tsc_in, tsc_out', () => {
    assert.deepEqual(decode(0x00801003, [1, 2, 3, 4, 5, 6]).p.fields.map((x) => x.value), [1, 2, 3, 4, 5, 6]);
    assert.equal(decode(0x00802008, [30, 100, 200]).v('tsc_out'), 200);
  });
});

describe('catalogue', () => {
  it('an unknown ID decodes as class/subclass/minor with raw words', () => {
    const { info, p } = decode(0x00082f00 & 0x0fffffff, [1, 2]);
    assert.equal(info.known, false);
    assert.equal(info.className, 'TRC_HVM');
    assert.equal(info.subclassName, 'TRC_HVM_HANDLER');
    assert.deepEqual(p.fields.map((f) => f.name), ['w0', 'w1']);
  });
  it('guest records: class 0x800, any minor, raw words', () => {
    const info = lookupEvent(0x0800f123);
    assert.equal(info.className, 'TRC_GUEST');
    assert.deepEqual(info.flags, ['guest-defined event 0x123']);
  });
  it('extra trailing words beyond a layout are kept as wN', () => {
    const { p } = decode(0x00082004, [0xf3, 0, 0x99]);
    assert.deepEqual(p.fields.map((f) => f.name), ['vector', 'fake', 'w2']);
  });
  it('too few words: decodes what is there and says so', () => {
    const { p } = decode(0x0002800a, [1, 2]);
    assert.equal(p.fields.length, 2);
    assert.match(p.note ?? '', /2 of the 4 words/);
  });
  it('names resolve to IDs with and without TRC_', () => {
    assert.deepEqual(eventIdsByName('PV_TRAP').sort(), [0x00201003, 0x00201103, 0x0020f003, 0x0020f103]);
    assert.ok(eventIdsByName('trc_hvm_vmx_exit').includes(0x00081102));
  });
  it('every known ID and every layout decodes its own word count into fields covering every word', () => {
    let layouts = 0;
    for (const id of knownEventIds()) {
      const info = lookupEvent(id);
      for (const l of info.layouts) {
        if (l.decode) continue;
        const words = Array.from({ length: l.words }, (_, k) => k + 1);
        const p = decodePayload(info, words);
        assert.ok(!p.fields.some((f) => /^w\d$/.test(f.name)), `${info.name} ${l.versions} left words undecoded`);
        const used = p.fields.length;
        assert.ok(used >= (l.words > 0 ? 1 : 0), `${info.name} decoded nothing`);
        layouts++;
      }
    }
    assert.ok(layouts > 250, `only ${layouts} layouts`);
  });
});
