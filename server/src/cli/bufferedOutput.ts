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

  flush(): Promise<void> | undefined {
    if (this.size === 0) return undefined;
    const text = this.parts.join('');
    this.parts = [];
    this.size = 0;
    // The real CLI's io.stdout returns process.stdout.write's result: false means "wait for drain".
    const accepted = (this.io.stdout as (t: string) => unknown)(text);
    if (accepted === false && process.stdout.writableNeedDrain) return new Promise((resolve) => process.stdout.once('drain', () => resolve()));
    return undefined;
  }
}
