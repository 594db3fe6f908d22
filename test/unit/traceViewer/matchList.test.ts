// Next/previous match is a binary search over record numbers in file order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MatchList } from '../../../server/src/traceViewer/filter';

describe('MatchList', () => {
  const list = new MatchList();
  for (const i of [3, 10, 11, 40]) list.push(i);

  it('finds the next match strictly after a record', () => {
    assert.equal(list.nearest(-1, 1), 0);
    assert.equal(list.nearest(3, 1), 1);
    assert.equal(list.nearest(10, 1), 2);
    assert.equal(list.nearest(12, 1), 3);
    assert.equal(list.nearest(40, 1), -1);
  });

  it('finds the previous match strictly before a record', () => {
    assert.equal(list.nearest(3, -1), -1);
    assert.equal(list.nearest(4, -1), 0);
    assert.equal(list.nearest(11, -1), 1);
    assert.equal(list.nearest(1000, -1), 3);
  });

  it('spans several blocks (16384 matches each)', () => {
    const big = new MatchList();
    for (let i = 0; i < 50_000; i++) big.push(i * 2);
    assert.equal(big.length, 50_000);
    assert.equal(big.at(16_383), 32_766);
    assert.equal(big.at(16_384), 32_768);
    assert.equal(big.at(49_999), 99_998);
    assert.equal(big.nearest(40_001, 1), 20_001);
    assert.equal(big.nearest(40_001, -1), 20_000);
  });

  it('keeps record numbers beyond 2^32 (files over 16 GiB) exact', () => {
    const far = new MatchList();
    const values = [5, 2 ** 32 + 7, 2 ** 33, 2 ** 40 + 1];
    for (const v of values) far.push(v);
    assert.deepEqual(values.map((_, k) => far.at(k)), values);
    assert.equal(far.nearest(2 ** 32, 1), 1);
  });
});
