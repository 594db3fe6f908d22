// Reads a file in chunks through a Node FileHandle, so memory stays bounded whatever the size.
// Offsets are plain numbers: exact up to 2^53 bytes, far beyond any trace.
import { readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { SkipArena } from './skipKernel';

export interface Chunk {
  /** Bytes from `base` on; valid until the next call on the same reader. Calls must not overlap: one read overwrites the chunk another is using. */
  buf: Buffer;
  base: number;
  /** No bytes follow this chunk. */
  eof: boolean;
}

/**
 * Room before a chunk for the unread tail of the previous one: at least a record (40 bytes), and
 * for big chunks a whole window of xentrace's default size (128 KiB per-CPU buffers), so the index
 * pass can ask for a window whole and list it with the others. No more: each page of the reader's
 * buffers is a page fault on first touch, and on a VM a fault can cost 14 µs (scripts: a fresh
 * 64 MiB touched page by page took 230 ms here), so 512 KiB of room cost ~7 ms an index build.
 */
const tailRoomFor = (chunkSize: number) => Math.max(4096, Math.min((128 << 10) + 4096, chunkSize >>> 2));
/**
 * Reads in flight ahead of a sequential scan. Two 2 MiB reads at once move 1 GiB from the page
 * cache in 78 ms here, one at a time in 99–105 (throwaway script): the index pass, whose kernel is
 * faster than one read at a time, waits less.
 */
const READ_AHEAD = 2;
/**
 * A sequential scan reads synchronously into one buffer while the page cache serves it. On this
 * 2-vCPU VM the reads ahead cost the main thread ~70 µs each to hand to a pool thread (a futex
 * wake of a halted vCPU), and their three buffers' first touches cost ~18 µs a page (a guest
 * fault plus a hidden one for the other of kernel and user access: measured on fresh 2 MiB
 * buffers). Fresh 1 GiB index builds, 8 paired runs: 200 ms median with reads ahead, 183 ms
 * synchronous. SLOW_READS reads in a row slower than this (a disk, not the cache) turn the reads
 * ahead back on for the rest of the scan, so a server is not blocked on the disk.
 */
const SLOW_READ_MS = 4;
/** Slow reads in a row that make a scan read ahead. */
const SLOW_READS = 3;
/**
 * A synchronous scan lets the event loop run once this long has passed since it last did, so a
 * server answers meanwhile. By time, not bytes: the viewer's details pass consumes ~250 MB/s, and
 * a yield every 32 MiB kept a jump request waiting 380 ms (bench: "jump to the last record").
 */
const YIELD_MS = 5;

interface PendingRead {
  base: number;
  buf: Buffer;
  /** Bytes read, or −1 on error. */
  done: Promise<number>;
}

export class PageReader {
  /** Holds the current chunk from `start` on; the first `tailRoom` bytes take a carried-over tail. */
  private buffer: Buffer;
  /** Buffers for reads ahead, allocated on first use. */
  private readonly spares: Buffer[] = [];
  private start: number;
  /** Bytes of the previous chunk a read ahead can carry over (see tailRoomFor). */
  readonly tailRoom: number;
  private chunkBase = 0;
  private chunkLen = 0;
  /** Reads of the bytes that follow the current chunk, in file order. */
  private readonly ahead: PendingRead[] = [];

  /**
   * How a sequential scan reads: 'sync' until a read is slow, then 'ahead' (READ_AHEAD reads in
   * flight). Tests set it, and `slowReadMs`, to take each path.
   */
  sequentialReads: 'sync' | 'ahead' = 'sync';
  slowReadMs = SLOW_READ_MS;
  private lastYield = performance.now();
  private bufferFilled = false;
  private slowReads = 0;

  /** Holds the buffers when WebAssembly is there, so the index pass can use its kernel on them. */
  private readonly arena: SkipArena | undefined;

  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    private readonly chunkSize: number,
  ) {
    this.tailRoom = tailRoomFor(chunkSize);
    this.start = this.tailRoom;
    this.arena = SkipArena.create((1 + READ_AHEAD) * (this.tailRoom + chunkSize), this.tailRoom + chunkSize);
    this.buffer = this.allocate();
  }

  private allocate(): Buffer {
    return this.arena?.alloc(this.tailRoom + this.chunkSize) ?? Buffer.allocUnsafe(this.tailRoom + this.chunkSize);
  }

  /**
   * Opens `path`; resolves to an error message (not a throw) when it cannot be read. The default
   * chunk suits sequential scans: with reads ahead, each chunk cost a trip through the event loop,
   * and indexing 1 GiB here took 270–320 ms in a fresh process with 512 KiB chunks, 220–270 with
   * 2 MiB ones (4 and 8 MiB: no better); read synchronously, 512 KiB, 1 and 1.5 MiB chunks were
   * no better than 2 MiB either (the windows cut at each seam cost more). Random access passes a
   * smaller size.
   */
  static async open(path: string, chunkSize = 2 << 20): Promise<PageReader | { error: string }> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return { error: `${path} is not a regular file` };
      }
      return new PageReader(fh, st.size, Math.max(64, chunkSize) & ~3);
    } catch (err) {
      await fh?.close().catch(() => undefined);
      return { error: `cannot read ${path}: ${(err as Error).message}` };
    }
  }

  /**
   * The bytes from `offset` on (at least `min` of them unless the file ends first). With
   * `readAhead`, a sequential scan: read synchronously or ahead, see `sequentialReads`.
   */
  async chunkAt(offset: number, min = 1, readAhead = false): Promise<Chunk> {
    const inChunk = offset >= this.chunkBase && offset + min <= this.chunkBase + this.chunkLen;
    if (!inChunk && readAhead && this.sequentialReads === 'sync') {
      this.readNextSync(offset);
      if (performance.now() - this.lastYield >= YIELD_MS) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.lastYield = performance.now();
      }
    } else if (!inChunk && !(await this.takeReadAhead(offset, min))) {
      const want = Math.min(this.chunkSize, Math.max(0, this.size - offset));
      const got = await this.readInto(this.buffer, this.tailRoom, want, offset);
      this.start = this.tailRoom;
      this.chunkBase = offset;
      this.chunkLen = got;
    }
    const end = this.chunkBase + this.chunkLen;
    if (readAhead && this.sequentialReads === 'ahead') this.startReadAhead(end);
    const from = this.start + (offset - this.chunkBase);
    return { buf: this.buffer.subarray(from, this.start + this.chunkLen), base: offset, eof: end >= this.size };
  }

  private async readInto(buf: Buffer, at: number, want: number, offset: number): Promise<number> {
    let got = 0;
    while (got < want) {
      const { bytesRead } = await this.fh.read(buf, at + got, want - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got;
  }

  /**
   * A sequential scan's next chunk, read synchronously into the one buffer: the current chunk's
   * bytes from `offset` on move to the room before it when they fit, and the file's next bytes
   * follow them. Throws on an I/O error, as a read would reject.
   */
  private readNextSync(offset: number): void {
    const end = this.chunkBase + this.chunkLen;
    const tail = end - offset;
    const carry = this.chunkLen > 0 && offset >= this.chunkBase && tail >= 0 && tail <= this.tailRoom;
    const from = carry ? end : offset;
    if (carry) this.buffer.copyWithin(this.tailRoom - tail, this.start + (offset - this.chunkBase), this.start + this.chunkLen);
    const want = Math.min(this.chunkSize, Math.max(0, this.size - from));
    const started = performance.now();
    let got = 0;
    while (got < want) {
      const n = readSync(this.fh.fd, this.buffer, this.tailRoom + got, want - got, from + got);
      if (n === 0) break;
      got += n;
    }
    // Not the buffer's first fill (its fresh pages alone cost ~7 ms per 2 MiB here), and not one
    // slow read: this VM stalls a read for milliseconds now and then.
    const slow = this.bufferFilled && performance.now() - started > this.slowReadMs;
    this.slowReads = slow ? this.slowReads + 1 : 0;
    if (this.slowReads >= SLOW_READS) this.sequentialReads = 'ahead';
    this.bufferFilled = true;
    this.start = carry ? this.tailRoom - tail : this.tailRoom;
    this.chunkBase = offset;
    this.chunkLen = (carry ? tail : 0) + got;
  }

  /** Keeps READ_AHEAD reads in flight after `end` (the current chunk's end). */
  private startReadAhead(end: number): void {
    let from = this.ahead.length > 0 ? this.ahead[this.ahead.length - 1]!.base + this.chunkSize : end;
    while (this.ahead.length < READ_AHEAD && from < this.size) {
      const buf = this.spares.pop() ?? this.allocate();
      const want = Math.min(this.chunkSize, this.size - from);
      this.ahead.push({ base: from, buf, done: this.readInto(buf, this.tailRoom, want, from).catch(() => -1) });
      from += want;
    }
  }

  /** Serves `offset` from the first read ahead (plus the current chunk's tail); false if it cannot. */
  private async takeReadAhead(offset: number, min: number): Promise<boolean> {
    const next = this.ahead.shift();
    if (!next) return false;
    const got = await next.done;
    const tail = this.chunkBase + this.chunkLen - offset;
    const contiguous = next.base === this.chunkBase + this.chunkLen && offset >= this.chunkBase && tail >= 0 && tail <= this.tailRoom;
    if (got < 0 || !contiguous || tail + got < Math.min(min, this.size - offset)) {
      // Not a sequential step: the reads ahead are for the wrong bytes.
      this.spares.push(next.buf);
      for (const r of this.ahead.splice(0)) {
        await r.done;
        this.spares.push(r.buf);
      }
      return false;
    }
    this.buffer.copy(next.buf, this.tailRoom - tail, this.start + (offset - this.chunkBase), this.start + this.chunkLen);
    this.spares.push(this.buffer);
    this.buffer = next.buf;
    this.start = this.tailRoom - tail;
    this.chunkBase = offset;
    this.chunkLen = tail + got;
    return true;
  }

  /** Exactly `length` bytes at `offset` (fewer at the end of the file), in a fresh buffer. */
  async bytesAt(offset: number, length: number): Promise<Buffer> {
    const out = Buffer.alloc(Math.max(0, Math.min(length, this.size - offset)));
    let got = 0;
    while (got < out.length) {
      const { bytesRead } = await this.fh.read(out, got, out.length - got, offset + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return out.subarray(0, got);
  }

  async close(): Promise<void> {
    for (const r of this.ahead.splice(0)) await r.done;
    await this.fh.close().catch(() => undefined);
  }
}
