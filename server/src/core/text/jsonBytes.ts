// JSON parsed straight from its UTF-8 bytes, for the few messages big enough to matter (a 100 MB
// log opened by an editor arrives as one JSON string). `JSON.parse(buffer.toString())` holds the
// bytes, the decoded message and the parsed text at once, up to 5× the text. Here strings of
// `bigStringBytes` or more are unescaped in place, inside the message's own buffer, and come out
// as Utf8Text: the bytes are the only copy. Shorter strings, numbers and keys go through
// JSON.parse, so they mean exactly what they would mean there.
import { Utf8Text } from './utf8Text';

export class JsonBytesError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset} of the message`);
  }
}

const QUOTE = 0x22, BACKSLASH = 0x5c;

/**
 * Parses the JSON text in `bytes`; strings whose raw form is at least `bigStringBytes` long become
 * Utf8Text over (rewritten) parts of `bytes`, so the buffer must not be reused afterwards.
 */
export function parseJsonBytes(bytes: Buffer, options: { bigStringBytes: number }): unknown {
  const parser = new Parser(bytes, Math.max(1, options.bigStringBytes));
  const value = parser.value();
  parser.skipSpace();
  if (parser.at < bytes.length) throw new JsonBytesError('unexpected data after the JSON value', parser.at);
  return value;
}

class Parser {
  at = 0;
  constructor(
    private readonly b: Buffer,
    private readonly bigStringBytes: number,
  ) {}

  skipSpace(): void {
    const b = this.b;
    while (this.at < b.length) {
      const c = b[this.at]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return;
      this.at++;
    }
  }

  value(): unknown {
    this.skipSpace();
    const c = this.b[this.at];
    if (c === undefined) throw new JsonBytesError('unexpected end of JSON', this.at);
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === QUOTE) return this.string(true);
    return this.scalar();
  }

  private expect(c: number, what: string): void {
    this.skipSpace();
    if (this.b[this.at] !== c) throw new JsonBytesError(`expected ${what}`, this.at);
    this.at++;
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.at++;
    this.skipSpace();
    if (this.b[this.at] === 0x7d) {
      this.at++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      if (this.b[this.at] !== QUOTE) throw new JsonBytesError('expected a property name', this.at);
      const key = this.string(false) as string;
      this.expect(0x3a, "':'");
      // defineProperty: a "__proto__" key is an own property, as JSON.parse makes it.
      Object.defineProperty(out, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const c = this.b[this.at];
      this.at++;
      if (c === 0x7d) return out;
      if (c !== 0x2c) throw new JsonBytesError("expected ',' or '}'", this.at - 1);
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.at++;
    this.skipSpace();
    if (this.b[this.at] === 0x5d) {
      this.at++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      const c = this.b[this.at];
      this.at++;
      if (c === 0x5d) return out;
      if (c !== 0x2c) throw new JsonBytesError("expected ',' or ']'", this.at - 1);
    }
  }

  /** Numbers, true, false, null: the token's bytes through JSON.parse. */
  private scalar(): unknown {
    const b = this.b;
    const start = this.at;
    while (this.at < b.length) {
      const c = b[this.at]!;
      const tokenByte = (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2b || c === 0x2e || c === 0x45;
      if (!tokenByte) break;
      this.at++;
    }
    if (this.at === start) throw new JsonBytesError(`unexpected byte 0x${b[start]!.toString(16).padStart(2, '0')}`, start);
    try {
      return JSON.parse(b.toString('latin1', start, this.at));
    } catch {
      throw new JsonBytesError(`not a JSON value: ${b.toString('latin1', start, Math.min(this.at, start + 20))}`, start);
    }
  }

  /** The string at the opening quote. Long ones (when `big` allows) become Utf8Text. */
  private string(big: boolean): string | Utf8Text {
    const b = this.b;
    const open = this.at;
    // The closing quote: the first one not escaped (an even run of backslashes before it).
    let close = open;
    for (;;) {
      close = b.indexOf(QUOTE, close + 1);
      if (close < 0) throw new JsonBytesError('unterminated string', open);
      let slashes = 0;
      while (b[close - 1 - slashes] === BACKSLASH) slashes++;
      if (slashes % 2 === 0) break;
    }
    this.at = close + 1;
    if (!big || close - open - 1 < this.bigStringBytes) {
      try {
        return JSON.parse(b.toString('utf8', open, close + 1)) as string;
      } catch (e) {
        throw new JsonBytesError(`bad string (${(e as Error).message})`, open);
      }
    }
    return new Utf8Text(b.subarray(open + 1, open + 1 + unescapeInPlace(b, open + 1, close)));
  }
}

/**
 * Rewrites the string body bytes[from, to) without its escapes, starting at `from`, and returns
 * the new length. Every escape is at least as long as the bytes it stands for, so the writes never
 * overtake the reads. Lone surrogates become U+FFFD, as when a JavaScript string is written as UTF-8.
 */
function unescapeInPlace(b: Buffer, from: number, to: number): number {
  let r = from;
  let w = from;
  while (r < to) {
    const c = b[r]!;
    if (c !== BACKSLASH) {
      if (c < 0x20) throw new JsonBytesError(`control character 0x${c.toString(16).padStart(2, '0')} in a string`, r);
      b[w++] = c;
      r++;
      continue;
    }
    const e = b[r + 1];
    r += 2;
    switch (e) {
      case 0x6e: b[w++] = 0x0a; break; // \n
      case 0x22: b[w++] = 0x22; break;
      case 0x5c: b[w++] = 0x5c; break;
      case 0x2f: b[w++] = 0x2f; break;
      case 0x74: b[w++] = 0x09; break; // \t
      case 0x72: b[w++] = 0x0d; break; // \r
      case 0x62: b[w++] = 0x08; break; // \b
      case 0x66: b[w++] = 0x0c; break; // \f
      case 0x75: { // \uXXXX, and a surrogate pair as two of them
        let cp = hex4(b, r, to);
        r += 4;
        if (cp >= 0xd800 && cp <= 0xdbff && b[r] === BACKSLASH && b[r + 1] === 0x75) {
          const low = hex4(b, r + 2, to);
          if (low >= 0xdc00 && low <= 0xdfff) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
            r += 6;
          }
        }
        if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
        w = writeUtf8(b, w, cp);
        break;
      }
      default:
        throw new JsonBytesError('bad escape in a string', r - 2);
    }
  }
  return w - from;
}

function hex4(b: Buffer, at: number, to: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = at + k < to ? b[at + k]! : -1;
    const d = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x61 && c <= 0x66 ? c - 0x57 : c >= 0x41 && c <= 0x46 ? c - 0x37 : -1;
    if (d < 0) throw new JsonBytesError('bad \\u escape in a string', at - 2);
    v = (v << 4) | d;
  }
  return v;
}

function writeUtf8(b: Buffer, w: number, cp: number): number {
  if (cp < 0x80) {
    b[w++] = cp;
  } else if (cp < 0x800) {
    b[w++] = 0xc0 | (cp >> 6);
    b[w++] = 0x80 | (cp & 0x3f);
  } else if (cp < 0x10000) {
    b[w++] = 0xe0 | (cp >> 12);
    b[w++] = 0x80 | ((cp >> 6) & 0x3f);
    b[w++] = 0x80 | (cp & 0x3f);
  } else {
    b[w++] = 0xf0 | (cp >> 18);
    b[w++] = 0x80 | ((cp >> 12) & 0x3f);
    b[w++] = 0x80 | ((cp >> 6) & 0x3f);
    b[w++] = 0x80 | (cp & 0x3f);
  }
  return w;
}
