// TimeMerge.run: a visitor that declines a record must be shown it again (the dumps stop before a
// record at a block boundary or when their buffer runs low), and nothing may be lost or repeated.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PageReader } from '../../../server/src/core/xentrace/pageReader';
import { buildIndex } from '../../../server/src/core/xentrace/sparseIndex';
import { compareTime, TimeMerge, type TimeHead } from '../../../server/src/core/xentrace/timeOrder';
import { isProblem, iterateRecords } from '../../../server/src/core/xentrace/traceReader';
import type { TraceRecord } from '../../../server/src/core/xentrace/record';
import { cpuChange, recordBytes, TraceBuilder } from '../../xentrace-gen/traceWriter';

const S1 = path.join(__dirname, '../../fixtures/xentrace/xentrace-parser-rs-example.bin');

async function fileOrder(file: string): Promise<TraceRecord[]> {
  const reader = await PageReader.open(file, 1 << 16);
  assert.ok(reader instanceof PageReader);
  const out: TraceRecord[] = [];
  for await (const x of iterateRecords(reader)) if (!isProblem(x)) out.push(x);
  await reader.close();
  return out;
}

/** Indexes `file` and opens the merge over all its CPUs. */
async function openMerge(file: string): Promise<TimeMerge> {
  const reader = await PageReader.open(file);
  assert.ok(reader instanceof PageReader);
  const index = await buildIndex(reader);
  await reader.close();
  return TimeMerge.open(file, index);
}

describe('TimeMerge', () => {
  it('shows a declined record again: every record once, in compareTime order, with its own fields', async () => {
    // Expected: the file-order records sorted by compareTime (a stable sort, not the merge).
    const expected = (await fileOrder(S1)).sort(compareTime);
    const merge = await openMerge(S1);
    const seen: TraceRecord[] = [];
    let declined = -1;
    let runs = 0;
    const visit = (h: TimeHead): boolean => {
      const r = h.record();
      // Decline each record the first time it is shown, and check the head's own getters.
      if (declined !== r.i) {
        declined = r.i;
        return false;
      }
      assert.equal(h.cpu, r.cpu);
      assert.equal(h.event, r.event);
      assert.equal(h.tscKnown, r.tscKnown);
      if (r.tscKnown) assert.deepEqual([h.tscHi, h.tscLo], [r.tscHi, r.tscLo]);
      seen.push(r);
      return true;
    };
    while (await merge.run(visit)) runs++;
    await merge.close();
    assert.equal(seen.length, expected.length);
    assert.equal(runs, expected.length, 'one stop per declined record');
    assert.deepEqual(
      seen.map((r) => [r.i, r.offset, r.header, r.tscInherited, r.extra.join(',')]),
      expected.map((r) => [r.i, r.offset, r.header, r.tscInherited, r.extra.join(',')]),
    );
  });

  it('orders ties by CPU, then file order; a record with no TSC yet comes first', async () => {
    // Windows in file order: CPU 3 (TSC 100, 200), CPU 1 (100, 200), CPU 2 (no TSC, 200), CPU 1 (200).
    const windows: [number, (bigint | undefined)[]][] = [[3, [100n, 200n]], [1, [100n, 200n]], [2, [undefined, 200n]], [1, [200n]]];
    const parts: Buffer[] = [];
    for (const [cpu, tscs] of windows) {
      const recs = tscs.map((t) => recordBytes(0x00201001, [0x11], t));
      parts.push(cpuChange(cpu, recs.reduce((n, r) => n + r.length, 0)), ...recs);
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-merge-'));
    const file = path.join(dir, 'ties.trace');
    fs.writeFileSync(file, Buffer.concat(parts));
    try {
      const merge = await openMerge(file);
      const order: number[] = [];
      while (await merge.run((h) => order.push(h.record().i) > 0));
      await merge.close();
      // File-order numbers: 0 1 on CPU 3, 2 3 on CPU 1, 4 5 on CPU 2, 6 on CPU 1.
      assert.deepEqual(order, [4, 2, 0, 3, 6, 5, 1]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('time order from a TSC', () => {
  // Expected, from a plain file-order scan: each CPU's records from its first record with a known
  // TSC >= from, in file order (the merge's own order is tested above). The TSC seek behind it
  // assumes each CPU's TSCs never go down in file order: checked on each trace first.
  async function checkFrom(file: string, everys: number[]): Promise<void> {
    const records = await fileOrder(file);
    const byCpu = new Map<number, TraceRecord[]>();
    for (const r of records) {
      if (!byCpu.has(r.cpu)) byCpu.set(r.cpu, []);
      byCpu.get(r.cpu)!.push(r);
    }
    const tscOf = (r: TraceRecord) => (BigInt(r.tscHi) << 32n) | BigInt(r.tscLo);
    for (const [cpu, rs] of byCpu) {
      const known = rs.filter((r) => r.tscKnown).map(tscOf);
      assert.ok(known.every((t, k) => k === 0 || t >= known[k - 1]!), `CPU ${cpu}: TSCs never go down`);
    }
    const sorted = records
      .filter((r) => r.tscKnown)
      .map(tscOf)
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const targets = [0n, sorted[0]! - 1n, sorted[0]!, sorted.at(-1)!, sorted.at(-1)! + 1n];
    for (let k = 1; k < 12; k++) targets.push(sorted[Math.floor((k * sorted.length) / 12)]!, sorted[Math.floor((k * sorted.length) / 12)]! + 1n);
    for (const every of everys) {
      const reader = await PageReader.open(file);
      assert.ok(reader instanceof PageReader);
      const index = await buildIndex(reader, { every });
      await reader.close();
      for (const from of targets) {
        const got = new Map<number, number[]>();
        await TimeMerge.visitAll(
          file,
          index,
          { fromTsc: from },
          (h) => {
            const r = h.record();
            if (!got.has(r.cpu)) got.set(r.cpu, []);
            got.get(r.cpu)!.push(r.i);
            return true;
          },
          () => undefined,
        );
        for (const [cpu, rs] of byCpu) {
          const first = rs.findIndex((r) => r.tscKnown && tscOf(r) >= from);
          const expected = first < 0 ? [] : rs.slice(first).map((r) => r.i);
          assert.deepEqual(got.get(cpu) ?? [], expected, `every ${every}, CPU ${cpu}, from ${from}`);
        }
      }
    }
  }

  it('starts each CPU at its first record with TSC >= from, for TSCs before, at, between and after records', async () => {
    await checkFrom(S1, [1024, 37]);
  });

  it('the same with empty windows, windows of padding only, and TSC-less records', async () => {
    // 3 CPUs, 40 windows: every 5th empty, every 5th (offset 4) only wrap padding, the others
    // 0–59 records of which every 4th has no TSC; each CPU's first record has none.
    const b = new TraceBuilder();
    const tscs = [1000n, 1003n, 1006n];
    for (let k = 0; k < 40; k++) {
      const cpu = k % 3;
      b.window(cpu);
      if (k % 5 === 2) continue;
      if (k % 5 === 4) {
        b.wrap(16);
        continue;
      }
      for (let r = 0; r < (k * 37) % 60; r++) {
        tscs[cpu]! += BigInt(1 + ((k * 13 + r * 7) % 50));
        b.record(0x00021021, [r], k < 3 && r === 0 ? undefined : r % 4 === 3 ? undefined : tscs[cpu]!);
      }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-fromtsc-'));
    try {
      const file = path.join(dir, 't.bin');
      fs.writeFileSync(file, b.toBuffer());
      await checkFrom(file, [16, 5, 1024]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
