// The index pass's inner loop (framer.ts `skipUnsampled`) as WebAssembly over the reader's own
// buffers. Two reasons: it needs no JIT warm-up (a fresh `xenscope` process lost ~100 ms a GiB
// warming the JavaScript loop up), and WebAssembly loads need no bounds or type checks. The
// module is a few hundred bytes assembled here from the same constants the framer uses, so there
// is no binary in the repository and no build step; when WebAssembly is unavailable (or a memory
// cannot be reserved) the readers use plain Buffers and the framer its JavaScript loop.
import { EVENT_MASK, TRC_TRACE_CPU_CHANGE, TRC_TRACE_WRAP_BUFFER } from './eventIds';

// The part of the WebAssembly JS API used here (the project's type libraries do not declare it).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { readonly exports: Record<string, unknown> };
}
const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * Bytes at the start of an arena where the kernel leaves its second and third results. Keep it a
 * multiple of 64: the read buffers after it then start on a cache line (when they started 16
 * bytes off one, the kernel's copies into them ran at half speed and the index pass took 2.5×).
 */
const RESULT_BYTES = 64;
const PAGE = 65536;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const section = (id: number, payload: number[]) => [id, ...uleb(payload.length), ...payload];
const name = (s: string) => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Opcodes used below.
const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
const GET = 0x20, SET = 0x21, I32_CONST = 0x41, LOAD = 0x28, STORE = 0x36, SELECT = 0x1b;
const EQ = 0x46, LT_S = 0x48, GT_U = 0x4b, LE_U = 0x4d, GE_U = 0x4f, ADD = 0x6a, AND = 0x71, SHL = 0x74, SHR_S = 0x75, SHR_U = 0x76;
const I32 = 0x7f;
const c = (n: number) => [I32_CONST, ...sleb(n | 0)];

// skip(r, endW, limit) → r. Frames records from word r (an index into memory) until endW, a
// record that needs the general path, or `limit` records; leaves the count at byte 0 and the word
// index of the last record with a TSC (or -1) at byte 4. Same rules as `skipUnsampled`.
// The loop runs on byte offsets: each record's start depends on the previous record's header, and
// a word index put a shift on that chain (kernel time on 1 GiB: 136 ms with word indices, 123 ms).
// Locals: 0 r, 1 endW, 2 limit (params); 3 h, 4 ev, 5 size, 6 last, 7 count, 8 rb, 9 endB.
const R = 0, END_W = 1, LIMIT = 2, H = 3, EV = 4, SIZE = 5, LAST = 6, COUNT = 7, RB = 8, END_B = 9;
const body = [
  1, 7, I32, // seven more i32 locals
  ...c(-1), SET, LAST,
  GET, R, ...c(2), SHL, SET, RB,
  GET, END_W, ...c(2), SHL, SET, END_B,
  BLOCK, VOID,
  LOOP, VOID,
  GET, RB, GET, END_B, GE_U, BR_IF, 1,
  GET, RB, LOAD, 2, 0, SET, H,
  GET, H, ...c(EVENT_MASK), AND, SET, EV,
  // size in bytes: 4 + 8 if the TSC flag (bit 31) is set + 4 × the word count in bits 28–30
  GET, H, ...c(26), SHR_U, ...c(28), AND, GET, H, ...c(28), SHR_U, ...c(8), AND, ADD, ...c(4), ADD, SET, SIZE,
  GET, RB, GET, SIZE, ADD, GET, END_B, GT_U, BR_IF, 1,
  GET, EV, ...c(TRC_TRACE_CPU_CHANGE), EQ, BR_IF, 1,
  GET, EV, ...c(0xffff), LE_U, BR_IF, 1,
  GET, EV, ...c(TRC_TRACE_WRAP_BUFFER), EQ,
  IF, VOID, GET, RB, GET, SIZE, ADD, SET, RB, BR, 1, END,
  GET, COUNT, GET, LIMIT, EQ, BR_IF, 1,
  GET, RB, GET, LAST, GET, H, ...c(0), LT_S, SELECT, SET, LAST,
  GET, COUNT, ...c(1), ADD, SET, COUNT,
  GET, RB, GET, SIZE, ADD, SET, RB,
  BR, 0,
  END,
  END,
  ...c(0), GET, COUNT, STORE, 2, 0,
  ...c(4), GET, LAST, ...c(2), SHR_S, STORE, 2, 0,
  GET, RB, ...c(2), SHR_U,
  END,
];

function moduleBytes(pages: number): Uint8Array {
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x01, ...uleb(pages), ...uleb(pages)]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name('skip'), 0x00, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

/** What the kernel reached: the word it stopped at, records counted, last record with a TSC. */
export interface SkipResult {
  r: number;
  count: number;
  lastTscAt: number;
}

/** A fixed WebAssembly memory that hands out Buffers, with the kernel bound to it. */
export class SkipArena {
  private next = RESULT_BYTES;
  private readonly results: Int32Array;
  private readonly skipFn: (r: number, endW: number, limit: number) => number;

  private constructor(api: WasmApi, private readonly memory: WasmMemory, pages: number) {
    const instance = new api.Instance(new api.Module(moduleBytes(pages)), { env: { mem: memory } });
    this.skipFn = instance.exports.skip as (r: number, endW: number, limit: number) => number;
    this.results = new Int32Array(memory.buffer, 0, 2);
    arenas.set(memory.buffer, this);
  }

  /** An arena for `bytes` of buffers, or undefined where WebAssembly cannot provide one. */
  static create(bytes: number): SkipArena | undefined {
    if (!wasmApi) return undefined;
    try {
      const pages = Math.ceil((bytes + RESULT_BYTES + 8) / PAGE);
      return new SkipArena(wasmApi, new wasmApi.Memory({ initial: pages, maximum: pages }), pages);
    } catch {
      return undefined;
    }
  }

  /** A Buffer of `size` bytes inside the arena (8-byte aligned); undefined when it is full. */
  alloc(size: number): Buffer | undefined {
    const at = (this.next + 7) & ~7;
    if (at + size > this.memory.buffer.byteLength) return undefined;
    this.next = at + size;
    return Buffer.from(this.memory.buffer, at, size);
  }

  /**
   * Runs the kernel over `words` (a view into this arena) from index `r` to `endW`, counting at
   * most `limit` records. Indices in and out are relative to `words`.
   */
  skip(words: Uint32Array, r: number, endW: number, limit: number): SkipResult {
    const base = words.byteOffset >>> 2;
    const reached = this.skipFn(base + r, base + endW, limit) - base;
    const last = this.results[1]!;
    return { r: reached, count: this.results[0]!, lastTscAt: last < 0 ? -1 : last - base };
  }
}

const arenas = new WeakMap<ArrayBufferLike, SkipArena>();

/** The arena whose memory holds `words`, if any. */
export function arenaOf(words: Uint32Array): SkipArena | undefined {
  return arenas.get(words.buffer);
}
