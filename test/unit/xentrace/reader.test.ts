import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { readTraceBuffer } from '../../../server/src/core/xentrace/traceReader';
import { cpuChange, prng, recordBytes, TraceBuilder, wrapPad } from '../../xentrace-gen/traceWriter';
import { syntheticTrace } from '../../xentrace-gen/synthetic';

describe('binary reader on synthetic traces', () => {
  it('returns exactly the records the generator wrote (CPU, offset, event, words, own TSC)', () => {
    const { buf, written } = syntheticTrace({ seed: 3 });
    const { records, problems } = readTraceBuffer(buf);
    assert.deepEqual(problems, []);
    assert.equal(records.length, written.length);
    for (let k = 0; k < written.length; k++) {
      const r = records[k]!;
      const w = written[k]!;
      assert.equal(r.i, k);
      assert.equal(r.cpu, w.cpu);
      assert.equal(r.offset, w.offset);
      assert.equal(r.event, w.event);
      assert.deepEqual(r.extra, w.words);
      if (w.tsc !== undefined) {
        assert.equal(r.tsc, w.tsc);
        assert.equal(r.tscInherited, false);
      }
    }
  });

  it('gives a TSC-less record the last TSC of its own CPU, marked inherited', () => {
    const buf = new TraceBuilder()
      .window(0)
      .record(0x00082004, [0xf3, 0]) // no TSC yet on CPU 0
      .record(0x00081001, [], 100n)
      .window(1)
      .record(0x00081001, [], 999n)
      .window(0)
      .record(0x00082004, [0xf3, 0]) // inherits 100 from CPU 0, not 999 from CPU 1
      .toBuffer();
    const { records } = readTraceBuffer(buf);
    assert.equal(records[0]!.tsc, null);
    assert.equal(records[0]!.tscInherited, false);
    assert.equal(records[3]!.tsc, 100n);
    assert.equal(records[3]!.tscInherited, true);
  });

  it('skips WRAP_BUFFER pads of every size 4…40 and does not count them', () => {
    const b = new TraceBuilder().window(2);
    for (let size = 4; size <= 40; size += 4) b.wrap(size).record(0x00081001, [], BigInt(size));
    const { records, problems } = readTraceBuffer(b.toBuffer());
    assert.deepEqual(problems, []);
    assert.equal(records.length, 10);
    assert.deepEqual(records.map((r) => r.i), [...Array(10).keys()]);
  });

  it('reports LOST_RECORDS as a record of its own', () => {
    const buf = new TraceBuilder().window(0).record(0x0001f001, [17, 0x00030002, 1000, 0], 2000n).toBuffer();
    const [r] = readTraceBuffer(buf).records;
    assert.equal(r!.name, 'TRC_LOST_RECORDS');
    assert.deepEqual(r!.fields.map((f) => [f.name, f.value]), [['lost_records', 17], ['did', 2], ['vid', 3], ['first_tsc', 1000]]);
  });

  it('a truncated last record: earlier records decoded, the cut reported with its offset', () => {
    const full = new TraceBuilder().window(0).record(0x00081001, [], 1n).record(0x00081102, [1, 2, 3], 2n).toBuffer();
    // Window: 12 header + 12 (VMENTRY) + 24 (VMEXIT64) = 48 bytes; cut 10 bytes into the second record.
    const cut = full.subarray(0, 12 + 12 + 10);
    const { records, problems } = readTraceBuffer(cut);
    assert.equal(records.length, 1);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.kind, 'truncated');
    assert.equal(problems[0]!.offset, 24);
    assert.match(problems[0]!.message, /10 bytes into a 24-byte record at offset 24/);
  });

  it('a file cut inside a window header and one cut at a record boundary are both reported', () => {
    const full = new TraceBuilder().window(0).record(0x00081001, [], 1n).window(1).record(0x00081001, [], 2n).toBuffer();
    const p1 = readTraceBuffer(full.subarray(0, 24 + 5)).problems;
    assert.equal(p1[0]!.offset, 24);
    assert.match(p1[0]!.message, /5 bytes into a 12-byte CPU_CHANGE/);
    const withLongWindow = Buffer.concat([cpuChange(0, 100), recordBytes(0x00081001, [], 5n)]);
    const p2 = readTraceBuffer(withLongWindow).problems;
    assert.equal(p2.length, 1);
    assert.match(p2[0]!.message, /88 bytes before the end of the window that began at offset 0/);
  });

  it('a file that is not a trace gets an error naming what was expected', () => {
    const elf = Buffer.from('7f454c46020101000000000000000000', 'hex');
    const { records, problems } = readTraceBuffer(elf);
    assert.equal(records.length, 0);
    assert.equal(problems[0]!.kind, 'not-a-trace');
    assert.equal(problems[0]!.message, 'not a xentrace file: expected a CPU_CHANGE record (bytes 03 f0 01 20) at offset 0, found 7f 45 4c 46');
  });

  it('a corrupt window length is reported and the reader resynchronises at the next CPU_CHANGE', () => {
    const w1 = Buffer.concat([recordBytes(0x00081001, [], 1n), recordBytes(0x00081001, [], 2n)]);
    const w2 = recordBytes(0x00081001, [], 3n);
    // First window claims 8 bytes but holds 24: the reader lands mid-record at offset 20.
    const buf = Buffer.concat([cpuChange(0, 8), w1, cpuChange(1, w2.length), w2]);
    const { records, problems } = readTraceBuffer(buf);
    assert.ok(problems.some((p) => p.kind === 'impossible-record' || p.kind === 'corrupt-window'));
    const resync = problems.find((p) => p.kind === 'resync');
    assert.equal(resync?.offset, 36);
    assert.equal(records.at(-1)!.cpu, 1);
    assert.equal(records.at(-1)!.tsc, 3n);
  });

  it('a window length longer than its data: the next CPU_CHANGE inside it is reported, then used', () => {
    const buf = Buffer.concat([cpuChange(0, 40), recordBytes(0x00081001, [], 1n), cpuChange(1, 12), recordBytes(0x00081001, [], 2n)]);
    const { records, problems } = readTraceBuffer(buf);
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.offset, 24);
    assert.match(problems[0]!.message, /inside the window that began at offset 0/);
    assert.deepEqual(records.map((r) => [r.cpu, r.tsc]), [[0, 1n], [1, 2n]]);
  });

  it('an impossible record (no event class) is reported with its offset', () => {
    const buf = Buffer.concat([cpuChange(0, 8), Buffer.from('00000000' + '00000000', 'hex')]);
    const { problems } = readTraceBuffer(buf);
    assert.equal(problems[0]!.kind, 'impossible-record');
    assert.equal(problems[0]!.offset, 12);
  });

  it('random corruption in the first half never loses the last window, and is reported when framing breaks', () => {
    const { buf, written } = syntheticTrace({ seed: 9, windows: 20 });
    const rand = prng(42);
    let reported = 0;
    for (let trial = 0; trial < 20; trial++) {
      const bad = Buffer.from(buf);
      const at = Math.floor(rand() * (bad.length / 2));
      for (let k = 0; k < 64; k++) bad[at + k] = Math.floor(rand() * 256);
      const { records, problems } = readTraceBuffer(bad);
      if (problems.length > 0) reported++;
      // Bytes that happen to look like records cannot be told apart; but the last window is intact.
      const lastWritten = written.at(-1)!;
      const lastRead = records.at(-1)!;
      assert.equal(lastRead.offset, lastWritten.offset);
      assert.deepEqual(lastRead.extra, lastWritten.words);
    }
    assert.ok(reported >= 10, `only ${reported} of 20 corruptions were reported`);
  });

  it('a WRAP_BUFFER with a TSC (36-byte gap) is skipped too', () => {
    const pad = wrapPad(36);
    assert.equal(pad.length, 36);
    const buf = Buffer.concat([cpuChange(0, 36 + 12), pad, recordBytes(0x00081001, [], 7n)]);
    const { records } = readTraceBuffer(buf);
    assert.equal(records.length, 1);
    assert.equal(records[0]!.offset, 48);
  });
});

describe('property: arbitrary bytes never crash or hang the reader', () => {
  it('random buffers, with and without a valid first window header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), fc.nat(4096), (bytes, prefix, len) => {
        const body = Buffer.from(bytes);
        const buf = prefix ? Buffer.concat([cpuChange(len % 8, (len >> 2) << 2), body]) : body;
        const { records, problems } = readTraceBuffer(buf);
        for (const r of records) {
          assert.ok(r.offset >= 0 && r.offset + r.size <= buf.length);
          // Decoding fields must not throw either.
          void r.fields;
        }
        for (const p of problems) assert.ok(p.offset >= 0 && p.offset <= buf.length);
        // Every record and skipped stretch is at least 4 bytes: output stays linear in the input.
        assert.ok(records.length + problems.length <= buf.length / 4 + 2);
      }),
      { numRuns: 400 },
    );
  });
});
