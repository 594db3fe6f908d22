import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { fieldJsonValue, recordJsonLine } from '../../../server/src/core/xentrace/recordJson';
import { ByteWriter } from '../../../server/src/core/xentrace/byteWriter';
import { decodePayload } from '../../../server/src/core/xentrace/catalogue';
import { hex32 } from '../../../server/src/core/xentrace/eventIds';
import { readTraceBuffer } from '../../../server/src/core/xentrace/traceReader';
import { TraceBuilder } from '../../xentrace-gen/traceWriter';
import { everyLayoutTrace, EVERY_LAYOUT_REPEATS } from '../../xentrace-gen/everyLayout';

describe('ByteWriter number formatting (checked against JavaScript\'s own toString)', () => {
  it('uint: edge values around 2^31, 1e9 multiples and 2^53', () => {
    const out = new ByteWriter(4096);
    const values = [0, 9, 10, 2147483647, 2147483648, 4294967295, 4294967296, 5e9, 1e9, 999999999, 1000000000000, 50484269673030, 2 ** 53 - 1];
    for (const v of values) {
      out.uint(v);
      assert.equal(out.takeString(), String(v));
    }
  });
  it('uint, int and hex on random values', () => {
    const out = new ByteWriter(4096);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: -2147483648, max: 2147483647 }), fc.nat(0xffffffff), (u, i, h) => {
        out.uint(u);
        out.ascii(' ');
        out.int(i);
        out.ascii(' ');
        out.hex(h);
        out.ascii(' ');
        out.hex8(h);
        assert.equal(out.takeString(), `${u} ${i} 0x${h.toString(16)} 0x${h.toString(16).padStart(8, '0')}`);
      }),
      { numRuns: 300 },
    );
  });
  it('a TSC above 2^53 is printed exactly (BigInt path)', () => {
    const buf = new TraceBuilder().window(0).record(0x00081001, [], 0xffff_ffff_0000_0001n).toBuffer();
    const [r] = readTraceBuffer(buf).records;
    assert.equal(JSON.parse(recordJsonLine(r!)).tsc, (0xffff_ffff_0000_0001n).toString());
  });
});

describe('compiled JSON plans against the general decoder', () => {
  it('every known ID with 0–7 words: name, is64, extra and fields (in order) as decodePayload gives them', () => {
    let tsc = 0n;
    const { buf, ids } = everyLayoutTrace(12345, () => (tsc += 977_777n));
    const { records, problems } = readTraceBuffer(buf);
    assert.equal(problems.length, 0);
    assert.equal(records.length, ids.length * 8 * EVERY_LAYOUT_REPEATS);
    for (const r of records) {
      const o = JSON.parse(recordJsonLine(r)) as Record<string, unknown>;
      const what = `${hex32(r.event)} with ${r.extra.length} words ${r.extra.map(hex32).join(' ')}`;
      assert.equal(o.name, decodePayload(r.info, r.extra, false).name, what);
      assert.equal(o.is64, r.info.is64 ? true : undefined, what);
      assert.equal(o.event, hex32(r.event), what);
      assert.deepEqual(o.extra, r.extra.map(hex32), what);
      const expected = decodePayload(r.info, r.extra, false).fields.map((f) => [f.name, fieldJsonValue(f)]);
      assert.deepEqual(Object.entries(o.fields as object), expected, what);
    }
  });
});
