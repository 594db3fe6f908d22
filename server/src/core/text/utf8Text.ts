// A long string kept as the UTF-8 bytes it arrived in. V8 stores a string that holds a single
// character above U+00FF in two bytes per character: a 100 MB log with one box-drawing
// character costs 200 MB as a string, 100 MB as bytes. The language server keeps the text of
// big documents this way and decodes a line, or a piece, when it needs one.

export class Utf8Text {
  constructor(readonly bytes: Buffer) {}

  get byteLength(): number {
    return this.bytes.length;
  }

  /** The whole text as a string (a big allocation: the callers that need it are rare). */
  toString(): string {
    return this.bytes.toString('utf8');
  }

  /** Logged or forwarded as JSON, it is the string it stands for. */
  toJSON(): string {
    return this.toString();
  }
}

export function isUtf8Text(value: unknown): value is Utf8Text {
  return value instanceof Utf8Text;
}

/** `value` with every Utf8Text turned back into a string, except those `keep` accepts. */
export function materialize(value: unknown, keep: (text: Utf8Text, path: readonly (string | number)[]) => boolean, path: (string | number)[] = []): unknown {
  if (value instanceof Utf8Text) return keep(value, path) ? value : value.toString();
  if (Array.isArray(value)) return value.map((v, k) => materialize(v, keep, [...path, k]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = materialize(v, keep, [...path, k]);
    return out;
  }
  return value;
}
