import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { float64Blocks, int32Blocks } from '../../../server/src/traceViewer/numberBlocks';

describe('NumberBlocks', () => {
  it('keeps every value across block boundaries (16384 per block)', () => {
    const f = float64Blocks();
    for (let k = 0; k < 40_000; k++) f.push(k * 3 + 0.5);
    assert.equal(f.length, 40_000);
    for (const k of [0, 16_383, 16_384, 32_768, 39_999]) assert.equal(f.at(k), k * 3 + 0.5);
  });

  it('stores 2^53 − 1 exactly in float blocks and wraps nothing in int blocks', () => {
    const f = float64Blocks();
    f.push(Number.MAX_SAFE_INTEGER);
    assert.equal(f.at(0), 9007199254740991);
    const i = int32Blocks();
    i.push(-1);
    i.push(0x7fff0004 | 0);
    assert.deepEqual([i.at(0), i.at(1)], [-1, 0x7fff0004]);
  });
});
