// The index pass's inner loop (framer.ts `skipUnsampled`) as WebAssembly over the reader's own
// buffers. Two reasons: it needs no JIT warm-up (a fresh `xenscope` process lost ~100 ms a GiB
// warming the JavaScript loop up), and WebAssembly loads need no bounds or type checks. The
// module is a few hundred bytes assembled here from the same constants the framer uses, so there
// is no binary in the repository and no build step; when WebAssembly is unavailable (or a memory
// cannot be reserved) the readers use plain Buffers and the framer its JavaScript loop.
// Two entry points: `skip` frames one window's records up to the next sample; `walk` lists
// CHAINS whole windows' records at once (the framer's listedWindows delivers their samples from
// the lists), which is how most of an index pass runs.
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
const EQZ = 0x45, GET = 0x20, SET = 0x21, I32_CONST = 0x41, LOAD = 0x28, STORE = 0x36, SELECT = 0x1b, CALL = 0x10;
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

// Pushes the bytes after a record's header: 8 if the TSC flag (bit 31) is set, 4 × the word count in bits 28–30.
const afterHeader = (h: number) => [GET, h, ...c(26), SHR_U, ...c(28), AND, GET, h, ...c(28), SHR_U, ...c(8), AND, ADD];
// Pushes a record's size in bytes.
const sizeOf = (h: number) => [...afterHeader(h), ...c(4), ADD];
/** Byte where `one` leaves the position-list end; walk's results follow from byte 16. */
const ONE_P = 8, PAIR_RESULTS = 16;

// one(r, end, p) → r. Byte offsets. Frames records from r until end or a record that needs the
// general path, skipping WRAP_BUFFER padding, and writes each record's byte offset at p, p+4, …
// Leaves the list's end at byte ONE_P. Locals: 0 r, 1 end, 2 p (params); 3 h, 4 s, 5 ev.
const oneBody = [
  1, 3, I32,
  BLOCK, VOID,
  LOOP, VOID,
  GET, 0, GET, 1, GE_U, BR_IF, 1,
  GET, 0, LOAD, 2, 0, SET, 3,
  ...sizeOf(3), SET, 4,
  GET, 0, GET, 4, ADD, GET, 1, GT_U, BR_IF, 1,
  GET, 3, ...c(EVENT_MASK), AND, SET, 5,
  GET, 5, ...c(TRC_TRACE_CPU_CHANGE), EQ, BR_IF, 1,
  GET, 5, ...c(0xffff), LE_U, BR_IF, 1,
  GET, 5, ...c(TRC_TRACE_WRAP_BUFFER), EQ,
  IF, VOID, GET, 0, GET, 4, ADD, SET, 0, BR, 1, END,
  GET, 2, GET, 0, STORE, 2, 0,
  GET, 2, ...c(4), ADD, SET, 2,
  GET, 0, GET, 4, ADD, SET, 0,
  BR, 0,
  END,
  END,
  ...c(ONE_P), GET, 2, STORE, 2, 0,
  GET, 0,
  END,
];

// walk(r0, end0, r1, end1, …, p): CHAINS windows' records listed at once, as `one` lists them. A
// record's offset depends on the previous record's header, so one window's walk is a chain of
// dependent loads; chains interleaved keep the CPU busy while each waits. Where any window has an
// unusual record all leave the shared loop and `one` finishes each alone. Every turn of the loop
// lists one record per chain, so the chains share one list pointer p: chain k's list starts
// `stride` bytes after chain k−1's, and the store's constant offset picks it.
// Fewer instructions per record is what let a third chain pay (see CHAINS):
//   - no loop-top `r < end` test: a record that starts at the end also ends past it;
//   - one mask for every unusual event: classes 0 and 1 (TRC_GEN: CPU_CHANGE, WRAP_BUFFER, lost
//     records) leave the loop, and `one` takes each as before;
//   - the next record's offset is (r + 4) + the payload's size, so r + 4 is ready before the load.
// At r = end the header load reads the word after the window: arenas keep their lists after the
// last buffer, so it is always inside the memory.
// Results at PAIR_RESULTS: for each window, the byte reached and its list's end.
// Locals: 2k r, 2k+1 end, 2·CHAINS p (params); then per chain the header and the next r.
const ONE = 1;
/**
 * Windows walked at once. The walk of 1 GiB with the loop above (throwaway script: the same 2 MiB
 * chunk walked again and again, best of 7): two chains 61 ms, three to six 41 ms. From three on
 * the loop is bound by its instructions, not by each chain's dependent loads.
 */
export const CHAINS = 3;
/** Masks an event header's class bits 17–27: zero for classes 0 and 1. */
const CLASS_ABOVE_1 = 0x0ffe0000;
function walkBody(n: number, stride: number): number[] {
  const r = (k: number) => 2 * k, e = (k: number) => 2 * k + 1, p = 2 * n;
  const h = (k: number) => 2 * n + 1 + 2 * k, next = (k: number) => 2 * n + 2 + 2 * k;
  const each = (f: (k: number) => number[]) => Array.from({ length: n }, (_, k) => f(k)).flat();
  return [
    1, 2 * n, I32,
    BLOCK, VOID,
    LOOP, VOID,
    ...each((k) => [GET, r(k), LOAD, 2, 0, SET, h(k)]),
    ...each((k) => [GET, r(k), ...c(4), ADD, ...afterHeader(h(k)), ADD, SET, next(k)]),
    ...each((k) => [GET, next(k), GET, e(k), GT_U, BR_IF, 1]),
    ...each((k) => [GET, h(k), ...c(CLASS_ABOVE_1), AND, EQZ, BR_IF, 1]),
    ...each((k) => [GET, p, GET, r(k), STORE, 2, ...uleb(k * stride)]),
    GET, p, ...c(4), ADD, SET, p,
    ...each((k) => [GET, next(k), SET, r(k)]),
    BR, 0,
    END,
    END,
    ...each((k) => [
      ...c(PAIR_RESULTS + 8 * k), GET, r(k), GET, e(k), GET, p, ...c(k * stride), ADD, CALL, ONE, STORE, 2, 0,
      ...c(PAIR_RESULTS + 8 * k + 4), ...c(ONE_P), LOAD, 2, 0, STORE, 2, 0,
    ]),
    END,
  ];
}

/** The module for a memory of `pages`, whose walk lists each chain's records `stride` bytes after the last's. */
function moduleBytes(pages: number, stride: number): Uint8Array {
  const walkCode = walkBody(CHAINS, stride);
  const code = (b: number[]) => [...uleb(b.length), ...b];
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    // types: 0 (i32 i32 i32) → i32; 1 (i32 × (2·CHAINS + 1)) → ()
    ...section(1, [2, 0x60, 3, I32, I32, I32, 1, I32, 0x60, 2 * CHAINS + 1, ...new Array<number>(2 * CHAINS + 1).fill(I32), 0]),
    ...section(2, [1, ...name('env'), ...name('mem'), 0x02, 0x01, ...uleb(pages), ...uleb(pages)]),
    // functions: 0 skip, 1 one, 2 walk
    ...section(3, [3, 0, 0, 1]),
    ...section(7, [2, ...name('skip'), 0x00, 0, ...name('walk'), 0x00, 2]),
    ...section(10, [3, ...code(body), ...code(oneBody), ...code(walkCode)]),
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
  private readonly walkFn: (...rEndP: number[]) => void;
  /** Where walkWindows lists record offsets (absolute byte addresses): CHAINS lists of `listSlots` each. */
  private readonly lists: Uint32Array | undefined;
  private readonly listSlots: number;
  /** walkWindows' results (reused): per window, the word reached, records listed, first list slot. */
  readonly walked = { reached: new Array<number>(CHAINS).fill(0), count: new Array<number>(CHAINS).fill(0), list: new Array<number>(CHAINS).fill(0) };
  private readonly walkArgs = new Array<number>(2 * CHAINS + 1).fill(0);

  /** `listBytes`: each chain's list room, a multiple of 64. */
  private constructor(api: WasmApi, private readonly memory: WasmMemory, pages: number, listBytes: number) {
    const instance = new api.Instance(new api.Module(moduleBytes(pages, listBytes)), { env: { mem: memory } });
    this.skipFn = instance.exports.skip as (r: number, endW: number, limit: number) => number;
    this.walkFn = instance.exports.walk as (...rEndP: number[]) => void;
    this.results = new Int32Array(memory.buffer, 0, RESULT_BYTES / 4);
    this.listSlots = listBytes / 4;
    if (listBytes > 0) {
      // At the end of the memory, after every buffer (the walk may read a word past a buffer).
      const at = memory.buffer.byteLength - CHAINS * listBytes;
      this.lists = new Uint32Array(memory.buffer, at, CHAINS * this.listSlots);
    }
    arenas.set(memory.buffer, this);
  }

  /**
   * An arena for `bytes` of buffers, plus `listBytes` per chain for walkWindows' record lists
   * (enough for a buffer's worth of records: its size; only the pages written cost memory);
   * undefined where WebAssembly cannot provide one.
   */
  static create(bytes: number, listBytes = 0): SkipArena | undefined {
    if (!wasmApi) return undefined;
    try {
      const lists = Math.ceil(listBytes / 64) * 64;
      const pages = Math.ceil((bytes + RESULT_BYTES + 8 + CHAINS * lists) / PAGE);
      return new SkipArena(wasmApi, new wasmApi.Memory({ initial: pages, maximum: pages }), pages, lists);
    } catch {
      return undefined;
    }
  }

  /** A Buffer of `size` bytes inside the arena (8-byte aligned); undefined when it is full. */
  alloc(size: number): Buffer | undefined {
    const at = (this.next + 7) & ~7;
    if (at + size > this.memory.buffer.byteLength - (this.lists?.byteLength ?? 0)) return undefined;
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

  /**
   * Lists the records of CHAINS windows of `words` (a view into this arena) at once: window k is
   * words [spans[2k], spans[2k+1]), listed up to its end or its first unusual record (see `one`).
   * False when a window has more words than a list has slots. Results in `walked`;
   * `listed(walked.list[k] + j)` is the word index (relative to `words`) of window k's record j.
   */
  walkWindows(words: Uint32Array, spans: readonly number[]): boolean {
    const lists = this.lists;
    if (!lists) return false;
    const base = words.byteOffset;
    const args = this.walkArgs;
    const w = this.walked;
    for (let k = 0; k < CHAINS; k++) {
      const start = spans[2 * k]!, end = spans[2 * k + 1]!;
      if (end - start > this.listSlots) return false;
      w.list[k] = k * this.listSlots;
      args[2 * k] = base + start * 4;
      args[2 * k + 1] = base + end * 4;
    }
    args[2 * CHAINS] = lists.byteOffset;
    this.walkFn(...args);
    const r = this.results;
    for (let k = 0; k < CHAINS; k++) {
      w.reached[k] = (r[PAIR_RESULTS / 4 + 2 * k]! - base) >>> 2;
      w.count[k] = ((r[PAIR_RESULTS / 4 + 2 * k + 1]! - lists.byteOffset) >>> 2) - w.list[k]!;
    }
    this.listBase = base;
    return true;
  }

  private listBase = 0;

  /** Word index (relative to the last walkWindows' `words`) of listed record `k`. */
  listed(k: number): number {
    return (this.lists![k]! - this.listBase) >>> 2;
  }
}

const arenas = new WeakMap<ArrayBufferLike, SkipArena>();

/** The arena whose memory holds `words`, if any. */
export function arenaOf(words: Uint32Array): SkipArena | undefined {
  return arenas.get(words.buffer);
}
