// The index pass's WebAssembly kernel against its JavaScript twin (framer.ts skipUnsampled), on
// word streams built from the record format: sizes from the header's word count and TSC flag,
// CPU_CHANGE and class-0 headers that must stop both, wrap padding both must step over.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { skipped, skipUnsampled } from '../../../server/src/core/xentrace/framer';
import { PageReader } from '../../../server/src/core/xentrace/pageReader';
import { arenaOf, SkipArena, type SkipResult } from '../../../server/src/core/xentrace/skipKernel';
import { TRC_TRACE_CPU_CHANGE, TRC_TRACE_WRAP_BUFFER } from '../../../server/src/core/xentrace/eventIds';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** A stream of records; `unusual` is the chance of a header that stops the loop or is padding. */
function stream(words: Uint32Array, rand: () => number, unusual: number): void {
  let r = 0;
  while (r < words.length) {
    const tsc = rand() < 0.7 ? 1 : 0;
    const n = Math.floor(rand() * 8);
    let event = 0x00010000 + Math.floor(rand() * 0x0fff0000);
    const u = rand();
    if (u < unusual / 3) event = TRC_TRACE_CPU_CHANGE;
    else if (u < (2 * unusual) / 3) event = TRC_TRACE_WRAP_BUFFER;
    else if (u < unusual) event = Math.floor(rand() * 0x10000); // class 0: impossible
    words[r] = ((tsc << 31) | (n << 28) | event) >>> 0;
    for (let k = 1; k < 1 + 2 * tsc + n && r + k < words.length; k++) words[r + k] = Math.floor(rand() * 2 ** 32);
    r += 1 + 2 * tsc + n;
  }
}

describe('index kernel (WebAssembly) = skipUnsampled (JavaScript)', () => {
  it('same word reached, record count and last TSC position on 3,000 random streams', () => {
    const arena = SkipArena.create(1 << 16);
    assert.ok(arena, 'WebAssembly is available in Node');
    const buf = arena.alloc(16384)!;
    const words = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >>> 2);
    const rand = prng(12345);
    let stoppedEarly = 0;
    for (let t = 0; t < 3000; t++) {
      stream(words, rand, t % 3 === 0 ? 0 : rand() * 0.05);
      const start = Math.floor(rand() * 64);
      const endW = start + Math.floor(rand() * (words.length - start));
      const first = Math.floor(rand() * 5000);
      const limit = Math.floor(rand() * 1500);
      const js = skipUnsampled(words, start, endW, first, first + limit);
      const wasm: SkipResult = arena.skip(words, start, endW, limit);
      assert.deepEqual({ r: wasm.r, count: wasm.count, lastTscAt: wasm.lastTscAt }, { r: js, count: skipped.recordIndex - first, lastTscAt: skipped.lastTscAt }, `stream ${t}`);
      if (wasm.r < endW) stoppedEarly++;
    }
    assert.ok(stoppedEarly > 1000, 'the streams exercise the stops');
  });

  it("a reader's chunks live in an arena, so the index pass uses the kernel", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-kernel-'));
    try {
      const file = path.join(dir, 't.bin');
      fs.writeFileSync(file, Buffer.alloc(4096, 1));
      const reader = await PageReader.open(file);
      assert.ok(reader instanceof PageReader);
      const chunk = await reader.chunkAt(0, 40, true);
      assert.ok(arenaOf(new Uint32Array(chunk.buf.buffer, chunk.buf.byteOffset, 4)));
      await reader.close();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the index without WebAssembly', () => {
  it('a plain-Buffer pass (the JavaScript loop) samples the same records as the kernel pass', async () => {
    const { syntheticTrace } = await import('../../xentrace-gen/synthetic');
    const { buildIndex, SparseIndex } = await import('../../../server/src/core/xentrace/sparseIndex');
    const { TraceFramer } = await import('../../../server/src/core/xentrace/framer');
    const { buf, written } = syntheticTrace({ seed: 21, windows: 60, recordsPerWindow: 300 });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-kernel-'));
    try {
      const file = path.join(dir, 't.bin');
      fs.writeFileSync(file, buf);
      const reader = await PageReader.open(file, 4096); // small chunks: many kernel calls and chunk seams
      assert.ok(reader instanceof PageReader);
      const viaKernel = await buildIndex(reader, { every: 37 });
      await reader.close();
      const viaJs = new SparseIndex(37);
      const framer = new TraceFramer(viaJs.sink());
      framer.sampleEvery = 37;
      for (;;) if (framer.feed(buf.subarray(framer.pos), framer.pos, true) !== 1) break; // 1: paused
      viaJs.records = framer.recordIndex;
      assert.equal(viaKernel.records, written.length);
      assert.equal(viaJs.records, written.length);
      assert.equal(viaJs.windowCount, viaKernel.windowCount);
      for (let i = 0; i < written.length; i += 11) {
        const a = viaKernel.framerForRecord(i, { onRecord: () => true })!;
        const b = viaJs.framerForRecord(i, { onRecord: () => true })!;
        assert.deepEqual([a.framer.pos, a.skip], [b.framer.pos, b.skip], `record ${i}`);
      }
      for (const cpu of viaJs.cpus()) {
        for (const w of written.filter((r) => r.cpu === cpu && r.tsc !== undefined).slice(0, 50)) {
          assert.deepEqual(viaKernel.cpuStartForTsc(cpu, w.tsc!), viaJs.cpuStartForTsc(cpu, w.tsc!));
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('whole windows listed CHAINS at a time (the index pass)', () => {
  // The index built by the paired walk must equal the one the general path builds record by
  // record (a plain Buffer: no WebAssembly, no listing), column for column, on traces with wrap
  // padding, lost records, empty windows, windows that straddle chunk seams, corruption and cuts.
  const COLUMNS = ['offset', 'record', 'window', 'tscHi', 'tscLo', 'known'] as const;
  type Samples = Record<(typeof COLUMNS)[number], ArrayLike<number>> & { length: number };
  const samples = (s: Samples) => Object.fromEntries(COLUMNS.map((k) => [k, Array.from(s[k]).slice(0, s.length)]));

  async function bothWays(buf: Buffer, every: number, chunk: number) {
    const { buildIndex, SparseIndex } = await import('../../../server/src/core/xentrace/sparseIndex');
    const { TraceFramer } = await import('../../../server/src/core/xentrace/framer');
    const state = (index: InstanceType<typeof SparseIndex>) => {
      const inner = index as unknown as { global: Samples };
      return {
        records: index.records,
        problems: index.problems,
        windows: Array.from({ length: index.windowCount }, (_, w) => index.window(w)),
        global: samples(inner.global),
        cpuWindows: index.cpus().map((cpu) => [cpu, index.windowsOf(cpu)]),
      };
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-pairs-'));
    try {
      const file = path.join(dir, 't.bin');
      fs.writeFileSync(file, buf);
      const reader = await PageReader.open(file, chunk);
      assert.ok(reader instanceof PageReader);
      const listed = await buildIndex(reader, { every });
      await reader.close();
      const general = new SparseIndex(every);
      const framer = new TraceFramer(general.sink());
      framer.sampleEvery = every;
      for (;;) if (framer.feed(buf.subarray(framer.pos), framer.pos, true) !== 1) break;
      general.records = framer.recordIndex;
      return { listed: state(listed), general: state(general) };
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }

  it('gives the index the general path gives, on 60 traces', async () => {
    const { syntheticTrace } = await import('../../xentrace-gen/synthetic');
    let walks = 0;
    const walk = SkipArena.prototype.walkWindows;
    SkipArena.prototype.walkWindows = function (this: SkipArena, ...args: Parameters<typeof walk>) {
      walks++;
      return walk.apply(this, args);
    };
    try {
      const rand = prng(99);
      for (let t = 0; t < 60; t++) {
        const { buf } = syntheticTrace({ seed: t + 1, windows: 10 + Math.floor(rand() * 60), recordsPerWindow: Math.floor(rand() * (t % 4 === 0 ? 8 : 400)) });
        let input = buf;
        if (t % 3 === 1) {
          input = Buffer.from(buf);
          for (let k = 0; k < 1 + Math.floor(rand() * 4); k++) input[Math.floor(rand() * input.length)] = Math.floor(rand() * 256);
        }
        if (t % 5 === 2) input = input.subarray(0, Math.floor(input.length * (0.5 + rand() / 2)));
        const every = [1, 7, 64, 1024][t % 4]!;
        const chunk = [4096, 65536, 1 << 20][t % 3]!;
        const { listed, general } = await bothWays(input, every, chunk);
        assert.deepEqual(listed, general, `trace ${t} (every ${every}, chunks of ${chunk})`);
      }
    } finally {
      SkipArena.prototype.walkWindows = walk;
    }
    assert.ok(walks > 200, `windows were listed in pairs (${walks} walks)`);
  });
});
