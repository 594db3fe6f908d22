// PageReader: every chunk it hands out equals the file's bytes at that offset, whether served by
// a plain read, from the current chunk, by a synchronous sequential read or from the read-ahead
// with the previous chunk's tail, and when a scan switches from the one to the other.
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

  type Mode = 'sync' | 'ahead' | 'sync, then ahead';
  const MODES: Mode[] = ['sync', 'ahead', 'sync, then ahead'];
  async function open(chunk: number, mode: Mode = 'sync'): Promise<PageReader> {
    const r = await PageReader.open(file, chunk);
    assert.ok(r instanceof PageReader, 'opens');
    if (mode === 'ahead') r.sequentialReads = 'ahead';
    if (mode === 'sync, then ahead') r.slowReadMs = -1; // every read after the first is "slow": the 4th switches
    return r;
  }

  function check(chunk: { buf: Buffer; base: number; eof: boolean }, min: number): void {
    const left = bytes.length - chunk.base;
    assert.ok(chunk.buf.length >= Math.min(min, left), `at least ${min} bytes at ${chunk.base}`);
    assert.ok(chunk.buf.equals(bytes.subarray(chunk.base, chunk.base + chunk.buf.length)), `bytes at ${chunk.base}`);
    assert.equal(chunk.eof, chunk.base + chunk.buf.length >= bytes.length);
  }

  it('scans sequentially, carrying tails of 0 to 40 bytes across chunks', async () => {
    for (const mode of MODES) {
    for (const chunkSize of [4096, 65536, 1 << 20]) {
      const reader = await open(chunkSize, mode);
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
      // Enough chunks for the switch (1 MiB chunks: two reads, too few).
      if (chunkSize < bytes.length / 8) assert.equal(reader.sequentialReads, mode === 'sync' ? 'sync' : 'ahead', mode);
      await reader.close();
    }
    }
  });

  it('a scan that jumps forward or back, or asks for more than the carried tail, gets the right bytes', async () => {
    for (const mode of MODES) {
      const reader = await open(4096, mode);
      for (const [offset, min] of [[0, 40], [4000, 40], [100000, 40], [50, 40], [4096 * 3 - 3, 4000], [bytes.length - 3, 40]] as const) {
        check(await reader.chunkAt(offset, min, true), min);
      }
      await reader.close();
    }
  });

  it('gives the right bytes when random reads interleave with a sequential scan', async () => {
    for (const mode of MODES) {
    const reader = await open(8192, mode);
    let offset = 0;
    for (let k = 0; offset < bytes.length && k < 400; k++) {
      const chunk = await reader.chunkAt(offset, 40, true);
      check(chunk, 40);
      if (k % 3 === 0) check(await reader.chunkAt((k * 7919) % bytes.length, 40), 40);
      offset = chunk.base + Math.max(1, chunk.buf.length - 12);
    }
    await reader.close();
    }
  });

  it('a synchronous scan lets the event loop run every few milliseconds (a server answers meanwhile)', async () => {
    const reader = await open(4096, 'sync');
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let offset = 0;
    let chunks = 0;
    const t0 = performance.now();
    for (; chunks < 60; chunks++) {
      const chunk = await reader.chunkAt(offset, 40, true);
      const until = performance.now() + 1; // a consumer that takes 1 ms a chunk
      while (performance.now() < until);
      offset = chunk.base + chunk.buf.length;
    }
    clearInterval(timer);
    const ms = performance.now() - t0;
    assert.equal(reader.sequentialReads, 'sync');
    // Without yields the 1 ms interval never fires during the loop; with a yield every ~5 ms it
    // fires about ms / 6 times (the yield takes a turn of the loop, a timer needs its phase).
    assert.ok(ticks >= Math.floor(ms / 20), `${ticks} timer ticks in ${ms.toFixed(0)} ms of scanning`);
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
