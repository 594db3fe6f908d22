import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeHypercallPageOffset } from '../../server/src/core/xen/hypercallPage';
import { hypercallMacro, hypercallName } from '../../server/src/core/xen/hypercalls';

// Expected numbers are the #defines in Xen's xen/include/public/xen.h.
describe('hypercall numbers', () => {
  it('match public/xen.h', () => {
    assert.equal(hypercallName(0), 'set_trap_table');
    assert.equal(hypercallName(12), 'memory_op');
    assert.equal(hypercallName(17), 'xen_version');
    assert.equal(hypercallName(20), 'grant_table_op');
    assert.equal(hypercallName(29), 'sched_op');
    assert.equal(hypercallName(32), 'event_channel_op');
    assert.equal(hypercallName(42), 'hypfs_op');
    assert.equal(hypercallName(49), 'mca');
  });
  it('leave unassigned numbers unnamed', () => {
    assert.equal(hypercallName(11), undefined);
    assert.equal(hypercallName(44), undefined);
    assert.equal(hypercallName(200), undefined);
    assert.equal(hypercallMacro(44), 'hypercall 44');
  });
});

describe('decodeHypercallPageOffset', () => {
  it('0x22a is stub 17 (xen_version), at the 64-bit PV return address', () => {
    const stub = decodeHypercallPageOffset(0x22a);
    assert.equal(stub?.number, 17);
    assert.equal(stub?.macro, '__HYPERVISOR_xen_version');
    assert.equal(stub?.offsetInStub, 0xa);
    assert.match(stub?.returnSiteOf ?? '', /64-bit PV/);
  });
  it('0x3aa is stub 29 (sched_op)', () => {
    assert.equal(decodeHypercallPageOffset(0x3aa)?.name, 'sched_op');
  });
  it('0x34a is stub 26 (mmuext_op)', () => {
    assert.equal(decodeHypercallPageOffset(0x34a)?.name, 'mmuext_op');
  });
  it('an HVM stub returns at +8', () => {
    assert.match(decodeHypercallPageOffset(29 * 32 + 8)?.returnSiteOf ?? '', /HVM/);
  });
  it('rejects offsets outside the page', () => {
    assert.equal(decodeHypercallPageOffset(0x1000), undefined);
    assert.equal(decodeHypercallPageOffset(-1), undefined);
  });
});
