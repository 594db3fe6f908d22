// A small declarative language for payload layouts, and the engine that applies one to raw words.
// Layouts are data so a hover, a table and the CLI all show the same field names.

export type FieldFormat = 'dec' | 'hex' | 'signed' | 'bool';

/** A decoded field: `value` is a number, or a bigint when a 64-bit value exceeds 2^53. */
export interface DecodedField {
  name: string;
  value: number | bigint;
  /** `0xffffffff8cc0007e`, `243`, `-1`. */
  text: string;
  /** Human meaning (`#PF page fault`, `d0v2`), when there is one. */
  meaning?: string;
}

export interface FieldSpec {
  name: string;
  /** 2 = a 64-bit value in two words, low word first. Default 1. */
  words?: 1 | 2;
  /** For a bitfield inside a shared word: [lowest bit, width]. */
  bits?: readonly [number, number];
  format?: FieldFormat;
  meaning?: (value: number | bigint) => string | undefined;
}

/** One word split into bitfields, or one field of one or two words. */
export type WordSpec = FieldSpec | { bitfields: readonly FieldSpec[]; meaning?: (word: number) => string | undefined };

export interface Layout {
  /** Number of payload words this layout describes. */
  words: number;
  /** Xen versions that write this layout (`4.8+`, `3.2–4.7`). */
  versions: string;
  specs?: readonly WordSpec[];
  /** For variable layouts (HYPERCALL_V2): decodes everything itself. */
  decode?: (words: readonly number[], event: number) => DecodedField[];
  /** Among layouts of equal size, the first whose test passes wins. */
  test?: (words: readonly number[]) => boolean;
  /** Set when this layout is really a different, older event sharing the ID. */
  name?: string;
  note?: string;
}

export function formatValue(value: number | bigint, format: FieldFormat, width: 1 | 2 = 1): string {
  switch (format) {
    case 'hex':
      return '0x' + value.toString(16);
    case 'signed':
      if (typeof value === 'bigint') return BigInt.asIntN(64, value).toString();
      return width === 1 ? String(value | 0) : String(value);
    case 'bool':
      return value ? 'true' : 'false';
    default:
      return value.toString();
  }
}

export function u64(lo: number, hi: number): number | bigint {
  const v = hi * 0x100000000 + lo;
  return v <= Number.MAX_SAFE_INTEGER ? v : (BigInt(hi) << 32n) | BigInt(lo);
}

/** One field as applyLayout builds it (the text dump uses it for rare formats). */
export function makeField(spec: FieldSpec, raw: number | bigint, meanings: boolean): DecodedField {
  const format = spec.format ?? 'hex';
  let value = raw;
  if (format === 'signed' && typeof raw === 'number' && (spec.words ?? 1) === 1 && !spec.bits) value = raw | 0;
  else if (format === 'signed' && spec.words === 2) value = BigInt.asIntN(64, BigInt(raw));
  const field: DecodedField = { name: spec.name, value, text: formatValue(value, format, spec.words ?? 1) };
  if (meanings && spec.meaning) {
    const meaning = spec.meaning(value);
    if (meaning !== undefined) field.meaning = meaning;
  }
  return field;
}

/**
 * Applies `layout` to `words`; extra words come out as `wN`. `meanings: false` skips the
 * human meanings (the JSON dump does not print them and they cost string work per record).
 */
export function applyLayout(layout: Layout, words: readonly number[], event: number, meanings = true): DecodedField[] {
  if (layout.decode) return layout.decode(words, event);
  const out: DecodedField[] = [];
  let at = 0;
  for (const spec of layout.specs ?? []) {
    if ('bitfields' in spec) {
      if (at >= words.length) break;
      const word = words[at++]!;
      for (const bf of spec.bitfields) {
        const [lo, width] = bf.bits ?? [0, 32];
        const v = width === 32 ? word >>> 0 : (word >>> lo) & ((1 << width) - 1) >>> 0;
        out.push(makeField(bf, v >>> 0, meanings));
      }
      continue;
    }
    const n = spec.words ?? 1;
    if (at + n > words.length) break;
    const raw = n === 2 ? u64(words[at]!, words[at + 1]!) : words[at]! >>> 0;
    at += n;
    out.push(makeField(spec, raw, meanings));
  }
  for (; at < words.length; at++) {
    out.push({ name: `w${at}`, value: words[at]! >>> 0, text: formatValue(words[at]! >>> 0, 'hex'), meaning: 'not in this layout' });
  }
  return out;
}

/** Picks the layout by word count: exact size (first passing `test`), else the largest smaller one. */
export function chooseLayout(layouts: readonly Layout[], words: readonly number[]): Layout | undefined {
  // Plain loops: this runs once per record on the dump path.
  const n = words.length;
  let exact: Layout | undefined;
  let below: Layout | undefined;
  let smallest: Layout | undefined;
  for (const l of layouts) {
    if (l.words === n) {
      if (!l.test || l.test(words)) return l;
      exact ??= l;
    } else if (l.words < n && (!below || l.words > below.words)) below = l;
    if (!smallest || l.words < smallest.words) smallest = l;
  }
  // Exact size whose test failed; else the largest smaller layout; else decode what is there
  // with the smallest one.
  return exact ?? below ?? smallest;
}

// Shorthands for the decoder tables.
export const dec = (name: string, meaning?: FieldSpec['meaning']): FieldSpec => ({ name, format: 'dec', meaning });
export const hex = (name: string, meaning?: FieldSpec['meaning']): FieldSpec => ({ name, format: 'hex', meaning });
export const signed = (name: string, meaning?: FieldSpec['meaning']): FieldSpec => ({ name, format: 'signed', meaning });
export const hex64 = (name: string, meaning?: FieldSpec['meaning']): FieldSpec => ({ name, words: 2, format: 'hex', meaning });
export const dec64 = (name: string, meaning?: FieldSpec['meaning']): FieldSpec => ({ name, words: 2, format: 'dec', meaning });
export const bits = (name: string, lo: number, width: number, format: FieldFormat = 'dec', meaning?: FieldSpec['meaning']): FieldSpec => ({
  name,
  bits: [lo, width],
  format,
  meaning,
});
export const L = (words: number, versions: string, specs: readonly WordSpec[], extra: Partial<Layout> = {}): Layout => ({
  words,
  versions,
  specs,
  ...extra,
});
