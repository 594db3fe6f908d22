// The byte buffer the trace dump writes its lines into: numbers, hex and constants are written as
// bytes directly (no intermediate strings for the GC to collect), then the buffer goes to stdout.
/** A string of one-byte characters as bytes (for constants). */
export const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** "00" … "99": two digits per division. */
const DEC2 = enc(Array.from({ length: 100 }, (_, k) => String(k).padStart(2, '0')).join(''));
/** "00" … "ff": two hex digits per byte. */
const HEX2 = enc(Array.from({ length: 256 }, (_, k) => k.toString(16).padStart(2, '0')).join(''));
const HEX_DIGITS = enc('0123456789abcdef');

/** Digits of 0 <= n < 2^31. */
function decimalLength(n: number): number {
  return n < 1e4 ? (n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : 4) : n < 1e6 ? (n < 1e5 ? 5 : 6) : n < 1e8 ? (n < 1e7 ? 7 : 8) : n < 1e9 ? 9 : 10;
}

/** An output buffer for the dump's lines; the caller hands it over (take()) before it runs low. */
export class ByteWriter {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(size, 4096));
  }

  /** Bytes still free; a record needs well under 1 KiB. */
  get free(): number {
    return this.buf.length - this.pos;
  }

  /**
   * Hands over what was written so far (the caller owns the bytes) and continues in `next`, or in
   * a fresh buffer of the same size.
   */
  take(next?: Buffer): Buffer {
    const full = this.buf.subarray(0, this.pos);
    this.buf = next ?? Buffer.allocUnsafeSlow(this.buf.length);
    this.pos = 0;
    return full;
  }

  /** Returns what was written so far as a string (it is ASCII) and empties the buffer. */
  takeString(): string {
    const s = this.buf.toString('latin1', 0, this.pos);
    this.pos = 0;
    return s;
  }

  /** Copies pre-encoded bytes (the constant parts of a line). */
  raw(src: Uint8Array): void {
    const n = src.length;
    if (n > 16) this.buf.set(src, this.pos);
    else {
      // A call into set() costs more than copying a short key by hand.
      const b = this.buf;
      const p = this.pos;
      for (let k = 0; k < n; k++) b[p + k] = src[k]!;
    }
    this.pos += n;
  }

  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < s.length; k++) b[p++] = s.charCodeAt(k);
    this.pos = p;
  }

  /** Any string, as UTF-8 (meanings can hold `→` or `–`); at most 3 bytes per character. */
  text(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) {
        this.pos = p + b.write(s.slice(k), p, 'utf8');
        return;
      }
      b[p++] = c;
    }
    this.pos = p;
  }

  /** A non-negative integer below 2^53 in decimal. */
  uint(n: number): void {
    if (n < 0x80000000) return this.small(n);
    // Below 2^53 the quotient is under 2^31 and the remainder under 1e8: both int32 arithmetic.
    const hi = Math.floor(n / 1e8);
    this.small(hi);
    this.eight(n - hi * 1e8);
  }

  /** n < 2^31 in decimal. */
  private small(n: number): void {
    const b = this.buf;
    let p = this.pos + decimalLength(n);
    this.pos = p;
    while (n >= 100) {
      const q = (n / 100) | 0;
      const r = (n - q * 100) << 1;
      b[--p] = DEC2[r + 1]!;
      b[--p] = DEC2[r]!;
      n = q;
    }
    if (n >= 10) {
      b[--p] = DEC2[(n << 1) + 1]!;
      b[--p] = DEC2[n << 1]!;
    } else b[--p] = 48 + n;
  }

  /** 0 <= n < 2^31 in decimal, right-aligned in `width` columns (padStart with spaces). */
  padUint(n: number, width: number): void {
    for (let k = decimalLength(n); k < width; k++) this.buf[this.pos++] = 32;
    this.small(n);
  }

  /** n < 1e8 as exactly eight digits. */
  private eight(n: number): void {
    const b = this.buf;
    let p = this.pos + 8;
    this.pos = p;
    for (let k = 0; k < 4; k++) {
      const q = (n / 100) | 0;
      const r = (n - q * 100) << 1;
      b[--p] = DEC2[r + 1]!;
      b[--p] = DEC2[r]!;
      n = q;
    }
  }

  int(n: number): void {
    if (n < 0) {
      this.buf[this.pos++] = 45; // '-'
      n = -n;
    }
    this.uint(n);
  }

  /** `0x` + exactly 8 hex digits. */
  hex8(v: number): void {
    const b = this.buf;
    let p = this.pos;
    b[p++] = 48;
    b[p++] = 120;
    for (let s = 24; s >= 0; s -= 8) {
      const x = ((v >>> s) & 0xff) << 1;
      b[p++] = HEX2[x]!;
      b[p++] = HEX2[x + 1]!;
    }
    this.pos = p;
  }

  /** `0x` + the shortest hex of a u32. */
  hex(v: number): void {
    const b = this.buf;
    let p = this.pos;
    b[p++] = 48;
    b[p++] = 120;
    let s = 28;
    while (s > 0 && ((v >>> s) & 0xf) === 0) s -= 4;
    for (; s >= 0; s -= 4) b[p++] = HEX_DIGITS[(v >>> s) & 0xf]!;
    this.pos = p;
  }

  /** `0x` + the shortest hex of a u64 given as halves. */
  hex64(lo: number, hi: number): void {
    if (hi === 0) this.hex(lo);
    else {
      this.hex(hi);
      const b = this.buf;
      let p = this.pos;
      for (let s = 24; s >= 0; s -= 8) {
        const x = ((lo >>> s) & 0xff) << 1;
        b[p++] = HEX2[x]!;
        b[p++] = HEX2[x + 1]!;
      }
      this.pos = p;
    }
  }
}
