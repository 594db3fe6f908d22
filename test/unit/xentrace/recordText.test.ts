import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteWriter } from '../../../server/src/core/xentrace/byteWriter';
import { decodePayload } from '../../../server/src/core/xentrace/catalogue';
import { hex32 } from '../../../server/src/core/xentrace/eventIds';
import { fieldsText, type TraceRecord } from '../../../server/src/core/xentrace/record';
import { RecordTextWriter } from '../../../server/src/core/xentrace/recordText';
import { readTraceBuffer } from '../../../server/src/core/xentrace/traceReader';
import { TraceBuilder } from '../../xentrace-gen/traceWriter';
import { everyLayoutTrace, EVERY_LAYOUT_REPEATS } from '../../xentrace-gen/everyLayout';

/** The text lines of `records`, in order, through one writer (deltas carry over between lines). */
function lines(records: readonly TraceRecord[]): string[] {
  const out = new ByteWriter(1 << 16);
  const writer = new RecordTextWriter(out);
  const text: string[] = [];
  for (const r of records) {
    writer.record(r);
    text.push(out.buf.toString('utf8', 0, out.pos));
    out.pos = 0;
  }
  return text;
}

describe('dump text lines', () => {
  // 0x0002f001 is TRC_SCHED_DOM_ADD (TRC_SCHED_VERBOSE + 1 in public/trace.h).
  it('CPU, TSC, delta to the previous line of that CPU, inherited and missing TSCs, a TSC past 2^53', () => {
    const big = 0x0030_0000_0000_0005n; // above 2^53: the BigInt path
    const buf = new TraceBuilder()
      .window(1)
      .record(0x0002f001, [0, 2]) // no TSC yet on CPU 1
      .record(0x0002f001, [0, 2], 5000n)
      .record(0x0002f001, [0, 2]) // inherits 5000
      .record(0x0002f001, [0, 2], 4000n) // goes backwards
      .record(0x0002f001, [0, 2], 4000n + 3_000_000_000n) // delta above 2^31
      .window(2)
      .record(0x0002f001, [0, 3], big)
      .record(0x0002f001, [0, 3], big + 7n)
      .toBuffer();
    assert.deepEqual(lines(readTraceBuffer(buf).records), [
      'CPU1 - (+        ) TRC_SCHED_DOM_ADD domid=0 (d0) vcpuid=2\n',
      'CPU1 5000 (+       0) TRC_SCHED_DOM_ADD domid=0 (d0) vcpuid=2\n',
      'CPU1 5000* (+       0) TRC_SCHED_DOM_ADD domid=0 (d0) vcpuid=2\n',
      'CPU1 4000 (+   -1000) TRC_SCHED_DOM_ADD domid=0 (d0) vcpuid=2\n',
      'CPU1 3000004000 (+3000000000) TRC_SCHED_DOM_ADD domid=0 (d0) vcpuid=2\n',
      `CPU2 ${big} (+       0) TRC_SCHED_DOM_ADD domid=0 (d0) vcpuid=3\n`,
      `CPU2 ${big + 7n} (+       7) TRC_SCHED_DOM_ADD domid=0 (d0) vcpuid=3\n`,
    ]);
  });

  it('every known ID with 0–7 words: name, flags and fields as decodePayload and fieldsText give them', () => {
    const { buf, ids } = everyLayoutTrace(777, () => 1000n);
    const records = readTraceBuffer(buf).records;
    assert.equal(records.length, ids.length * 8 * EVERY_LAYOUT_REPEATS);
    const got = lines(records);
    records.forEach((r, k) => {
      const p = decodePayload(r.info, r.extra);
      const flags = r.info.flags.filter((f) => f !== '64-bit addresses');
      const title = `${p.name}${r.info.is64 ? '(64)' : ''}${flags.length ? `[${flags.join(', ')}]` : ''}`;
      const fields = fieldsText(p.fields);
      const expected = `CPU0 1000 (+       0) ${title}${fields ? ' ' + fields : ''}\n`;
      assert.equal(got[k], expected, `${hex32(r.event)} with ${r.extra.length} words ${r.extra.map(hex32).join(' ')}`);
    });
  });
});
