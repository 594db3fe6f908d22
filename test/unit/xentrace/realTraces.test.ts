import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PageReader } from '../../../server/src/core/xentrace/pageReader';
import { buildIndex, readRecordsAt, SparseIndex } from '../../../server/src/core/xentrace/sparseIndex';
import { firstRecordAtOrAfter, timeOrdered, timeOrderedBatches } from '../../../server/src/core/xentrace/timeOrder';
import { isProblem, iterateRecords, readTraceBuffer, scanTrace } from '../../../server/src/core/xentrace/traceReader';
import { TraceFramer } from '../../../server/src/core/xentrace/framer';
import { StatsCollector } from '../../../server/src/core/xentrace/stats';
import { TraceFile } from '../../../server/src/core/xentrace/traceFile';
import type { TraceRecord } from '../../../server/src/core/xentrace/record';
import { syntheticTrace } from '../../xentrace-gen/synthetic';
import { cpuChange, recordBytes } from '../../xentrace-gen/traceWriter';

const FIX = path.join(__dirname, '../../fixtures/xentrace');
const S1 = path.join(FIX, 'xentrace-parser-rs-example.bin');
const PV = path.join(FIX, 'xen-4.17-qemu-pv-dom0.head.trace');
const LOST = path.join(FIX, 'xen-4.17-qemu-all-smallbuf-lost-records.head.trace');

async function openReader(file: string, chunk?: number): Promise<PageReader> {
  const r = await PageReader.open(file, chunk);
  assert.ok(r instanceof PageReader, 'open failed');
  return r;
}

async function allRecords(file: string): Promise<TraceRecord[]> {
  const reader = await openReader(file, 1 << 16);
  const out: TraceRecord[] = [];
  for await (const x of iterateRecords(reader)) {
    assert.ok(!isProblem(x), isProblem(x) ? x.message : '');
    out.push(x);
  }
  await reader.close();
  return out;
}

// Expected counts come from an independent Python walk of the windows (see the fixture README);
// first and last records were read with xxd.
describe('real 8-CPU HVM trace [S1], end to end', () => {
  let records: TraceRecord[] = [];
  before(async () => {
    records = await allRecords(S1);
  });

  it('has 180,466 records (180,493 minus 27 WRAP_BUFFER pads) and no problems', () => {
    assert.equal(records.length, 180466);
  });

  it('per-CPU counts', () => {
    const per = new Map<number, number>();
    for (const r of records) per.set(r.cpu, (per.get(r.cpu) ?? 0) + 1);
    assert.deepEqual([...per].sort((a, b) => a[0] - b[0]), [
      [0, 46876], [1, 6828], [2, 37728], [3, 4639], [4, 23831], [5, 10838], [6, 41038], [7, 8688],
    ]);
  });

  it('first record: xxd 0000000c: 0680 02a0 9dc8 1055 e82d 0000 0000 0000 0200 0000', () => {
    const r = records[0]!;
    assert.equal(r.offset, 12);
    assert.equal(r.cpu, 0);
    assert.equal(r.name, 'TRC_SCHED_BLOCK');
    assert.equal(r.tsc, 0x00002de85510c89dn); // 50475882825885
    assert.deepEqual(r.fields.map((f) => [f.name, f.value]), [['domid', 0], ['vcpuid', 2]]);
  });

  it('last record: xxd 003b7580: 0b22 02c0 46ea f548 ea2d 0000 210e 0000 0000 0000 0000 0000 1200 0000', () => {
    const r = records.at(-1)!;
    assert.equal(r.offset, 0x3b7580);
    assert.equal(r.cpu, 4);
    assert.equal(r.event, 0x0002220b);
    assert.equal(r.name, 'TRC_CSCHED2_UPDATE_UNIT_LOAD');
    assert.equal(r.tsc, 0x00002dea48f5ea46n);
    // unit_load u64 = 0xe21 = 3617; (unit:16, dom:16) word 0 = d0 unit 0; shift 0x12 = 18.
    assert.deepEqual(r.fields.map((f) => [f.name, f.value]), [['unit_load', 3617], ['dom', 0], ['unit', 0], ['shift', 18]]);
  });

  it('every TSC-less record is an HVM handler with an inherited TSC (none before a CPU\'s first TSC here)', () => {
    const inherited = records.filter((r) => r.tscInherited);
    assert.ok(inherited.length > 0);
    for (const r of inherited) assert.equal(r.info.subclassName, 'TRC_HVM_HANDLER');
  });

  it('the index gives random access to record i identical to the file-order pass', async () => {
    const reader = await openReader(S1, 1 << 16);
    const index = await buildIndex(reader, { every: 1000 });
    assert.equal(index.records, 180466);
    assert.equal(index.windowCount, 187);
    for (const i of [0, 1, 999, 1000, 1001, 54321, 123456, 180465]) {
      const [r] = await readRecordsAt(reader, index, i);
      const want = records[i]!;
      assert.deepEqual([r!.i, r!.offset, r!.cpu, r!.tsc, r!.tscInherited, r!.extra], [want.i, want.offset, want.cpu, want.tsc, want.tscInherited, want.extra]);
    }
    const run = await readRecordsAt(reader, index, 2990, 20);
    assert.deepEqual(run.map((r) => r.offset), records.slice(2990, 3010).map((r) => r.offset));
    assert.deepEqual(await readRecordsAt(reader, index, 180466), []);
    await reader.close();
  });

  it('time order is a permutation of all records with non-decreasing TSC; TSC seek finds the first at or after', async () => {
    const reader = await openReader(S1, 1 << 16);
    const index = await buildIndex(reader, { every: 512 });
    await reader.close();
    let n = 0;
    let prev = -1n;
    const seen = new Uint8Array(records.length);
    for await (const r of timeOrdered(S1, index)) {
      const t = r.tsc ?? -1n;
      assert.ok(t >= prev, `TSC went back at record ${r.i}`);
      prev = t;
      seen[r.i] = 1;
      n++;
    }
    assert.equal(n, records.length);
    assert.ok(seen.every((x) => x === 1));
    for (const t of [50475882825885n, 50476000000000n, 50480000000123n, 50484269673030n]) {
      // Expected: the smallest TSC >= t over all records, lowest CPU then file order on ties.
      const want = records
        .filter((r) => r.tsc !== null && r.tsc >= t)
        .reduce((a, b) => (b.tsc! < a.tsc! || (b.tsc === a.tsc && (b.cpu < a.cpu || (b.cpu === a.cpu && b.i < a.i))) ? b : a));
      const got = await firstRecordAtOrAfter(S1, index, t);
      assert.equal(got?.i, want.i, `seek ${t}`);
    }
    assert.equal(await firstRecordAtOrAfter(S1, index, 50484269673031n), undefined);
  });

  it('stats estimate the TSC at 2.797 GHz (reference §6.1: median over 4,107 samples)', async () => {
    const reader = await openReader(S1);
    const stats = new StatsCollector();
    await scanTrace(reader, stats);
    await reader.close();
    const s = stats.result();
    assert.equal(s.tscHz?.samples, 4107);
    assert.ok(Math.abs(s.tscHz!.estimate / 1e9 - 2.797) < 0.0005, String(s.tscHz?.estimate));
    assert.equal(s.firstTsc, '50475882825885');
    assert.equal(s.lastTsc, '50484269673030');
    assert.deepEqual(Object.keys(s.perClass).sort(), ['TRC_HVM', 'TRC_SCHED']);
  });
});

describe('TraceFile (what the viewer opens)', () => {
  it('indexes with statistics, reads record i, seeks by TSC, reports open errors as data', async () => {
    const tf = await TraceFile.open(S1, { every: 256 });
    assert.ok(tf instanceof TraceFile);
    assert.equal(tf.recordCount, 180466);
    assert.equal(tf.problemCount, 0);
    assert.equal(tf.stats.tscHz?.samples, 4107);
    const [first] = await tf.records(0);
    assert.equal(first!.offset, 12);
    // The last record (xxd 003b7580) carries the trace's largest TSC.
    const last = await tf.firstAtOrAfter(50484269673030n);
    assert.equal(last?.offset, 0x3b7580);
    await tf.close();
    const missing = await TraceFile.open(path.join(FIX, 'no-such-file'));
    assert.ok(!(missing instanceof TraceFile) && /cannot read/.test(missing.error));
  });
});

describe('real Xen 4.17 PV slices', () => {
  it('PV dom0 slice: 72,861 records on CPUs 0 and 1; first is HYPERCALL_V2 mmuext_op', async () => {
    const recs = await allRecords(PV);
    assert.equal(recs.length, 72861);
    assert.equal(recs.filter((r) => r.cpu === 0).length, 36626);
    // xxd 0000000c: 0d10 20a0 59e4 0aef 2600 0000 1a00 4000 0200 0000: header 0xa020100d,
    // w0 0x0040001a (mmuext_op = 26, A1 = 1: one 32-bit argument), w1 = 2.
    const first = recs[0]!;
    assert.equal(first.name, 'TRC_PV_HYPERCALL_V2');
    assert.equal(first.fields.find((f) => f.name === 'op')?.meaning, '__HYPERVISOR_mmuext_op (26)');
    assert.equal(first.fields.find((f) => f.name === 'arg1')?.meaning, '2 ops');
    const counts = new Map<number, number>();
    for (const r of recs) counts.set(r.event, (counts.get(r.event) ?? 0) + 1);
    assert.equal(counts.get(0x0020100d), 51633);
    assert.equal(counts.get(0x00201106), 10160); // EMULATE_PRIVOP, 64-bit
    assert.equal(counts.get(0x00201008), 336); // MATH_STATE_RESTORE, no words
  });

  it('lost-records slice: 74,347 records, 35 LOST_RECORDS decoded with count and domain', async () => {
    const recs = await allRecords(LOST);
    assert.equal(recs.length, 74347);
    const lost = recs.filter((r) => r.name === 'TRC_LOST_RECORDS');
    assert.equal(lost.length, 35);
    for (const r of lost) {
      assert.equal(r.extra.length, 4);
      assert.ok(r.tsc !== null && !r.tscInherited);
      assert.equal(r.fields[0]!.name, 'lost_records');
      assert.ok(Number(r.fields[0]!.value) > 0);
    }
  });
});

describe('offsets beyond 4 GiB', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xentrace-big-'));
  const file = path.join(dir, 'sparse.trace');
  const base = 5 * 1024 ** 3 + 4; // 5 GiB + 4: above 2^32, not page-aligned
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads windows and records at 5 GiB in a sparse file, with exact offsets, and indexes them', async () => {
    const body = Buffer.concat([recordBytes(0x00081001, [], 10n), recordBytes(0x00082004, [0xf3, 0]), recordBytes(0x00081102, [1, 2, 0xffffffff], 20n)]);
    const win = Buffer.concat([cpuChange(3, body.length), body]);
    const fd = fs.openSync(file, 'w');
    fs.ftruncateSync(fd, base);
    fs.writeSync(fd, win, 0, win.length, base);
    fs.closeSync(fd);
    const reader = await openReader(file, 4096);
    assert.equal(reader.size, base + win.length);
    const index = new SparseIndex(2);
    index.fileSize = reader.size;
    const framer = new TraceFramer(index.sink());
    framer.seekWindow({ index: 0, offset: base, cpu: 3, length: body.length, firstRecord: 0, tscHi: 0, tscLo: 0, tscKnown: false });
    const sum = await scanTrace(reader, index.sink(), { framer });
    assert.equal(sum.bytes, base + win.length);
    assert.equal(index.records, 3);
    const recs = await readRecordsAt(reader, index, 0, 3);
    assert.deepEqual(recs.map((r) => r.offset), [base + 12, base + 24, base + 36]);
    assert.deepEqual(recs.map((r) => r.tsc), [10n, 10n, 20n]);
    assert.equal(recs[1]!.tscInherited, true);
    const [last] = await readRecordsAt(reader, index, 2);
    assert.equal(last!.offset, base + 36);
    await reader.close();
  });
});

describe('synthetic trace through the file path', () => {
  it('the sampled index pass counts the same records and problems as the full reader, corrupt or not', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xentrace-samp-'));
    try {
      const { buf } = syntheticTrace({ seed: 11, windows: 24 });
      let damaged = 0;
      for (let trial = 0; trial < 12; trial++) {
        const bad = Buffer.from(buf);
        if (trial > 0) for (let k = 0; k < 40; k++) bad[(trial * 7919 + k * 13) % bad.length] = (trial * 31 + k) & 0xff;
        const file = path.join(dir, `t${trial}.trace`);
        fs.writeFileSync(file, bad);
        const mem = readTraceBuffer(bad);
        if (mem.problems.length > 0) damaged++;
        const reader = await openReader(file, 512);
        const index = await buildIndex(reader, { every: 5 });
        await reader.close();
        assert.equal(index.records, mem.records.length, `trial ${trial}`);
        assert.deepEqual(index.problems.map((p) => p.offset), mem.problems.map((p) => p.offset), `trial ${trial}`);
        // Time order over a damaged file still yields each record of the file-order pass once.
        const seen: number[] = [];
        for await (const r of timeOrdered(file, index, { chunkSize: 256 })) seen.push(r.offset);
        assert.deepEqual(seen.sort((a, b) => a - b), mem.records.map((r) => r.offset), `time order, trial ${trial}`);
      }
      assert.ok(damaged >= 6, `only ${damaged} trials damaged the framing`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('index + time order agree with the in-memory reader', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xentrace-syn-'));
    try {
      const { buf } = syntheticTrace({ seed: 5, windows: 30 });
      const file = path.join(dir, 't.trace');
      fs.writeFileSync(file, buf);
      const mem = readTraceBuffer(buf).records;
      const reader = await openReader(file, 256);
      const index = await buildIndex(reader, { every: 7 });
      assert.equal(index.records, mem.length);
      for (const i of [0, 6, 7, 8, 100, mem.length - 1]) {
        const [r] = await readRecordsAt(reader, index, i);
        assert.deepEqual([r!.offset, r!.tsc, r!.tscInherited], [mem[i]!.offset, mem[i]!.tsc, mem[i]!.tscInherited]);
      }
      await reader.close();
      const ordered: TraceRecord[] = [];
      for await (const r of timeOrdered(file, index, { chunkSize: 128 })) ordered.push(r);
      const sorted = [...mem].sort((a, b) => {
        const ta = a.tsc ?? -1n;
        const tb = b.tsc ?? -1n;
        return ta < tb ? -1 : ta > tb ? 1 : a.cpu - b.cpu || a.i - b.i;
      });
      assert.deepEqual(ordered.map((r) => r.i), sorted.map((r) => r.i));
      // The batched merge (the dump's) gives the same sequence whatever the batch size.
      for (const batch of [1, 7, 4096]) {
        const flat: number[] = [];
        for await (const b of timeOrderedBatches(file, index, { chunkSize: 128, batch })) {
          assert.ok(b.length > 0 && b.length <= batch);
          for (const r of b) flat.push(r.i);
        }
        assert.deepEqual(flat, sorted.map((r) => r.i), `batches of ${batch}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
