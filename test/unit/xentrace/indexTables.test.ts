// The index tables grow past their first capacity without losing rows, and keep values that need
// each column's full width (offsets past 4 GiB, uint32 TSC halves). Their storage is not zeroed,
// so rows are checked only below `length`, as the index reads them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SampleTable, WindowTable } from '../../../server/src/core/xentrace/indexTables';

describe('index tables', () => {
  it('a sample table of capacity 1 holds 5,000 rows, every column intact', () => {
    const t = new SampleTable(1);
    const row = (k: number) => [2 ** 33 + 40 * k, 1024 * k, k % 700, 0xffffffff - k, (k * 2654435761) >>> 0, k % 3 !== 0] as const;
    for (let k = 0; k < 5000; k++) t.push(...row(k));
    assert.equal(t.length, 5000);
    for (let k = 0; k < 5000; k++) {
      const [offset, record, window, hi, lo, known] = row(k);
      assert.deepEqual([t.offset[k], t.record[k], t.window[k], t.tscHi[k], t.tscLo[k], t.known[k]], [offset, record, window, hi, lo, known ? 1 : 0], `row ${k}`);
    }
  });

  it('a window table grows the same way', () => {
    const t = new WindowTable(3);
    for (let k = 0; k < 1000; k++) t.push(2 ** 32 + 131084 * k, k % 8, 131072, 5500 * k, k, 0x80000000 + k, k > 0);
    assert.equal(t.length, 1000);
    for (const k of [0, 2, 3, 511, 999]) {
      assert.deepEqual(
        [t.offset[k], t.cpu[k], t.bytes[k], t.firstRecord[k], t.tscHi[k], t.tscLo[k], t.known[k]],
        [2 ** 32 + 131084 * k, k % 8, 131072, 5500 * k, k, 0x80000000 + k, k > 0 ? 1 : 0],
        `row ${k}`,
      );
    }
  });
});
