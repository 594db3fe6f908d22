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

  it('grows past its first allocation', () => {
    const big = new MatchList();
    for (let i = 0; i < 5000; i++) big.push(i * 2);
    assert.equal(big.length, 5000);
    assert.equal(big.at(4999), 9998);
    assert.equal(big.nearest(5001, 1), 2501);
  });
});
