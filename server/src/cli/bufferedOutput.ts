// CLI output in large pieces: one stdout write per 64 KiB, not one per line, and a wait for
// 'drain' when stdout pushes back (a pager or a slow pipe), so memory stays bounded.
import type { CliIo } from './command';

const FLUSH_AT = 1 << 16;

export class BufferedOutput {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly io: CliIo) {}

  /** Queues `s`; returns a promise only when it flushed and stdout asked to wait (hot loops skip the await). */
  write(s: string): Promise<void> | undefined {
    this.parts.push(s);
    this.size += s.length;
    return this.size >= FLUSH_AT ? this.flush() : undefined;
  }

  async line(s: string): Promise<void> {
    await this.write(s + '\n');
  }

  /**
   * Writes UTF-8 bytes after whatever text is queued. The stream may hold on to `bytes` after this
   * returns: reuse them only after `written` is called.
   */
  writeBytes(bytes: Uint8Array, written?: () => void): Promise<void> | undefined {
    const before = this.flush();
    if (!this.io.stdoutBytes) {
      const accepted = this.io.stdout(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('utf8'));
      written?.();
      return this.waitFor(accepted, before);
    }
    return this.waitFor(this.io.stdoutBytes(bytes, written), before);
  }

  flush(): Promise<void> | undefined {
    if (this.size === 0) return undefined;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return this.waitFor(this.io.stdout(text));
  }

  /** The real CLI's sinks return process.stdout.write's result: false means "wait for drain". */
  private waitFor(accepted: unknown, before?: Promise<void>): Promise<void> | undefined {
    if (accepted === false && process.stdout.writableNeedDrain) return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
    return before;
  }
}
