// PageReader: every chunk it hands out equals the file's bytes at that offset, whether served by
// a plain read, from the current chunk, or from the read-ahead with the previous chunk's tail.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PageReader } from '../../../server/src/core/xentrace/pageReader';

describe('PageReader', () => {
  let dir: string;
  let file: string;
  let bytes: Buffer;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-pagereader-'));
    file = path.join(dir, 'data.bin');
    bytes = randomBytes((1 << 20) + 37);
    fs.writeFileSync(file, bytes);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function open(chunk: number): Promise<PageReader> {
    const r = await PageReader.open(file, chunk);
    assert.ok(r instanceof PageReader, 'opens');
    return r;
  }

  function check(chunk: { buf: Buffer; base: number; eof: boolean }, min: number): void {
    const left = bytes.length - chunk.base;
    assert.ok(chunk.buf.length >= Math.min(min, left), `at least ${min} bytes at ${chunk.base}`);
    assert.ok(chunk.buf.equals(bytes.subarray(chunk.base, chunk.base + chunk.buf.length)), `bytes at ${chunk.base}`);
    assert.equal(chunk.eof, chunk.base + chunk.buf.length >= bytes.length);
  }

  it('scans sequentially with read-ahead, carrying tails of 0 to 40 bytes across chunks', async () => {
    for (const chunkSize of [4096, 65536, 1 << 20]) {
      const reader = await open(chunkSize);
      let offset = 0;
      let seed = chunkSize;
      while (offset < bytes.length) {
        const chunk = await reader.chunkAt(offset, 40, true);
        check(chunk, 40);
        if (chunk.eof) break;
        // Consume all but a tail, as the framer does when a record straddles the chunk's end.
        seed = (seed * 1103515245 + 12345) >>> 0;
        const tail = (seed >>> 8) % 41;
        offset = chunk.base + Math.max(1, chunk.buf.length - tail);
      }
      await reader.close();
    }
  });

  it('prefetch: a scan that starts where the reads were started, or elsewhere, gets the right bytes', async () => {
    for (const [prefetchAt, startAt] of [[0, 0], [5000, 5000], [0, 70000], [bytes.length - 10, 0]] as const) {
      const reader = await open(4096);
      reader.prefetch(prefetchAt);
      reader.prefetch(prefetchAt + 1); // a second call while reads are in flight changes nothing
      let offset = startAt;
      for (let k = 0; k < 40 && offset < bytes.length; k++) {
        const chunk = await reader.chunkAt(offset, 40, true);
        check(chunk, 40);
        if (chunk.eof) break;
        offset = chunk.base + chunk.buf.length - 7;
      }
      await reader.close();
    }
  });

  it('gives the right bytes when random reads interleave with a sequential scan', async () => {
    const reader = await open(8192);
    let offset = 0;
    for (let k = 0; offset < bytes.length && k < 400; k++) {
      const chunk = await reader.chunkAt(offset, 40, true);
      check(chunk, 40);
      if (k % 3 === 0) check(await reader.chunkAt((k * 7919) % bytes.length, 40), 40);
      offset = chunk.base + Math.max(1, chunk.buf.length - 12);
    }
    await reader.close();
  });

  it('reads the last bytes of the file with eof set, fewer than asked', async () => {
    const reader = await open(4096);
    const chunk = await reader.chunkAt(bytes.length - 10, 40, true);
    assert.equal(chunk.buf.length, 10);
    check(chunk, 40);
    await reader.close();
  });
});
