// Reads a file in chunks through a Node FileHandle, so memory stays bounded whatever the size.
// Offsets are plain numbers: exact up to 2^53 bytes, far beyond any trace.
import { open, type FileHandle } from 'node:fs/promises';

export interface Chunk {
  /** Bytes from `base` on; valid until the next call on the same reader. */
  buf: Buffer;
  base: number;
  /** No bytes follow this chunk. */
  eof: boolean;
}

export class PageReader {
  private readonly buffer: Buffer;
  private chunkBase = 0;
  private chunkLen = 0;

  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    chunkSize: number,
  ) {
    this.buffer = Buffer.allocUnsafe(chunkSize);
  }

  /** Opens `path`; resolves to an error message (not a throw) when it cannot be read. */
  static async open(path: string, chunkSize = 1 << 20): Promise<PageReader | { error: string }> {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'r');
      const st = await fh.stat();
      if (!st.isFile()) {
        await fh.close();
        return { error: `${path} is not a regular file` };
      }
      return new PageReader(fh, st.size, Math.max(64, chunkSize));
    } catch (err) {
      await fh?.close().catch(() => undefined);
      return { error: `cannot read ${path}: ${(err as Error).message}` };
    }
  }

  /** The bytes from `offset` on (at least `min` of them unless the file ends first). */
  async chunkAt(offset: number, min = 1): Promise<Chunk> {
    const inChunk = offset >= this.chunkBase && offset + min <= this.chunkBase + this.chunkLen;
    if (!inChunk) {
      const want = Math.min(this.buffer.length, Math.max(0, this.size - offset));
      let got = 0;
      while (got < want) {
        const { bytesRead } = await this.fh.read(this.buffer, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      this.chunkBase = offset;
      this.chunkLen = got;
    }
    const start = offset - this.chunkBase;
    const end = this.chunkBase + this.chunkLen;
    return { buf: this.buffer.subarray(start, this.chunkLen), base: offset, eof: end >= this.size };
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
    await this.fh.close().catch(() => undefined);
  }
}
