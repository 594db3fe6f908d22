// The JSON Lines form of a record (`xenscope trace dump --json`): keys i, offset, cpu, tsc,
// tscInherited, event, name, [is64], extra, fields. This is the hot path of a dump, so it writes
// ASCII bytes straight into a Buffer (no intermediate strings for the GC to collect), with
// each declarative layout compiled once into a field writer.
import { applyLayout, chooseLayout, type DecodedField, type FieldSpec, type Layout } from './decoders/layout';
import { knownEventIds, lookupEvent, payloadName, type EventInfo } from './catalogue';
import type { TraceRecord } from './record';
import type { RecordView } from './framer';

const HEX_DIGITS = Buffer.from('0123456789abcdef', 'latin1');

/** An ASCII output buffer; the caller flushes it (take()) before it runs low. */
export class JsonBytes {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafe(Math.max(size, 4096));
  }

  /** Bytes still free; a record needs well under 1 KiB. */
  get free(): number {
    return this.buf.length - this.pos;
  }

  /** Returns what was written so far as a string (it is ASCII) and empties the buffer. */
  takeString(): string {
    const s = this.buf.toString('latin1', 0, this.pos);
    this.pos = 0;
    return s;
  }

  /** Copies pre-encoded bytes (the constant parts of a line). */
  raw(src: Uint8Array): void {
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < src.length; k++) b[p++] = src[k]!;
    this.pos = p;
  }

  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < s.length; k++) b[p++] = s.charCodeAt(k);
    this.pos = p;
  }

  /** A non-negative integer below 2^53 in decimal. */
  uint(n: number): void {
    if (n >= 0x80000000) {
      // Split so that both halves use 32-bit integer arithmetic.
      const q = Math.floor(n / 1e9);
      if (q > 0) this.uint(q);
      this.digits(n - q * 1e9, q > 0 ? 9 : 0);
      return;
    }
    this.digits(n, 0);
  }

  /** n < 2^31 in decimal, left-padded with zeros to `width` digits. */
  private digits(n: number, width: number): void {
    const b = this.buf;
    let len = 1;
    for (let t = n; t >= 10; len++) t = (t / 10) | 0;
    if (len < width) len = width;
    let p = this.pos + len;
    this.pos = p;
    for (let k = 0; k < len; k++) {
      const q = (n / 10) | 0;
      b[--p] = 48 + n - q * 10;
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
    for (let s = 28; s >= 0; s -= 4) b[p++] = HEX_DIGITS[(v >>> s) & 0xf]!;
    this.pos = p;
  }

  /** `0x` + the shortest hex of a u32. */
  hex(v: number): void {
    const b = this.buf;
    b[this.pos++] = 48;
    b[this.pos++] = 120;
    let s = 28;
    while (s > 0 && ((v >>> s) & 0xf) === 0) s -= 4;
    for (; s >= 0; s -= 4) b[this.pos++] = HEX_DIGITS[(v >>> s) & 0xf]!;
  }
}

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const K_I = enc('{"i":');
const K_OFFSET = enc(',"offset":');
const K_CPU = enc(',"cpu":');
const K_TSC_NULL = enc(',"tsc":null');
const K_TSC = enc(',"tsc":"');
const K_INH_TRUE = enc('","tscInherited":true,"event":"');
const K_INH_FALSE = enc('","tscInherited":false,"event":"');
const K_INH_TRUE_NT = enc(',"tscInherited":true,"event":"');
const K_INH_FALSE_NT = enc(',"tscInherited":false,"event":"');
const K_NAME = enc('","name":"');
const K_IS64 = enc('","is64":true,"extra":[');
const K_EXTRA = enc('","extra":[');
const K_FIELDS = enc('],"fields":{');
const K_END = enc('}}\n');

type FieldWriter = (words: readonly number[], out: JsonBytes) => void;

function writeValue(spec: FieldSpec, v: number, out: JsonBytes): void {
  switch (spec.format) {
    case 'hex':
      out.ascii('"');
      out.hex(v);
      out.ascii('"');
      return;
    case 'signed':
      out.int(spec.bits ? v : v | 0);
      return;
    case 'bool':
      out.ascii(v ? 'true' : 'false');
      return;
    default:
      out.uint(v);
  }
}

/** Compiles a declarative layout into a writer of its `"name":value` members. */
function compile(layout: Layout): FieldWriter | undefined {
  if (layout.decode || !layout.specs) return undefined;
  // Keys are precomputed with and without the leading comma: no closure or string per record.
  const keyed = layout.specs.map((spec) =>
    'bitfields' in spec
      ? { spec: undefined, bits: spec.bitfields.map((bf) => ({ bf, first: `"${bf.name}":`, next: `,"${bf.name}":` })) }
      : { spec, bits: undefined, first: `"${spec.name}":`, next: `,"${spec.name}":` },
  );
  return (words, out) => {
    let at = 0;
    let first = true;
    for (const k of keyed) {
      if (k.bits) {
        if (at >= words.length) break;
        const word = words[at++]! >>> 0;
        for (const b of k.bits) {
          const [lo, width] = b.bf.bits ?? [0, 32];
          out.ascii(first ? b.first : b.next);
          first = false;
          writeValue(b.bf, width === 32 ? word : ((word >>> lo) & ((1 << width) - 1)) >>> 0, out);
        }
        continue;
      }
      const spec = k.spec!;
      if (spec.words === 2) {
        if (at + 2 > words.length) break;
        const lo = words[at]! >>> 0;
        const hi = words[at + 1]! >>> 0;
        at += 2;
        out.ascii(first ? k.first! : k.next!);
        first = false;
        if (spec.format === 'hex') {
          out.ascii('"');
          if (hi === 0) out.hex(lo);
          else {
            out.hex(hi);
            out.ascii(lo.toString(16).padStart(8, '0'));
          }
          out.ascii('"');
        } else {
          const big = (BigInt(hi) << 32n) | BigInt(lo);
          const v = spec.format === 'signed' ? BigInt.asIntN(64, big) : big;
          const n = Number(v);
          out.ascii(Number.isSafeInteger(n) ? String(n) : `"${v}"`);
        }
        continue;
      }
      if (at >= words.length) break;
      out.ascii(first ? k.first! : k.next!);
      first = false;
      writeValue(spec, words[at++]! >>> 0, out);
    }
    for (; at < words.length; at++) {
      out.ascii(first ? `"w${at}":"` : `,"w${at}":"`);
      first = false;
      out.hex(words[at]! >>> 0);
      out.ascii('"');
    }
  };
}

/** Writers for every declarative layout, built once at load (constant afterwards). */
const WRITERS: ReadonlyMap<Layout, FieldWriter> = (() => {
  const m = new Map<Layout, FieldWriter>();
  for (const id of knownEventIds())
    for (const l of lookupEvent(id).layouts) {
      const w = compile(l);
      if (w) m.set(l, w);
    }
  return m;
})();

/** JSON value of a decoded field: hex fields as "0x…" strings, decimal ones as numbers (strings past 2^53). */
export function fieldJsonValue(f: DecodedField): number | string {
  if (f.text.startsWith('0x')) return f.text;
  if (typeof f.value === 'bigint') return f.value.toString();
  if (typeof f.value === 'number' && f.text !== String(f.value)) return f.text;
  return f.value;
}

function writeFields(info: EventInfo, words: readonly number[], out: JsonBytes): void {
  const layout = chooseLayout(info.layouts, words);
  const writer = layout && WRITERS.get(layout);
  if (writer) return writer(words, out);
  // Variable layouts (HYPERCALL_V2, raw words) go through the general decoder.
  const fields = applyLayout(layout ?? { words: 0, versions: '', specs: [] }, words, info.event, false);
  for (let k = 0; k < fields.length; k++) {
    const v = fieldJsonValue(fields[k]!);
    out.ascii((k ? ',"' : '"') + fields[k]!.name + '":' + (typeof v === 'number' ? String(v) : `"${v}"`));
  }
}

/** Writes one JSON line (with its newline). Field names are identifiers: no escaping needed. */
function writeLine(
  out: JsonBytes,
  i: number,
  offset: number,
  cpu: number,
  tscKnown: boolean,
  tscHi: number,
  tscLo: number,
  inherited: boolean,
  event: number,
  info: EventInfo,
  words: readonly number[],
): void {
  out.raw(K_I);
  out.uint(i);
  out.raw(K_OFFSET);
  out.uint(offset);
  out.raw(K_CPU);
  out.uint(cpu);
  if (!tscKnown) {
    out.raw(K_TSC_NULL);
    out.raw(inherited ? K_INH_TRUE_NT : K_INH_FALSE_NT);
  } else {
    out.raw(K_TSC);
    if (tscHi < 0x200000) out.uint(tscHi * 0x100000000 + tscLo);
    else out.ascii(((BigInt(tscHi) << 32n) | BigInt(tscLo)).toString());
    out.raw(inherited ? K_INH_TRUE : K_INH_FALSE);
  }
  out.hex8(event);
  out.raw(K_NAME);
  out.ascii(payloadName(info, words));
  out.raw(info.is64 ? K_IS64 : K_EXTRA);
  for (let k = 0; k < words.length; k++) {
    out.ascii(k ? ',"' : '"');
    out.hex8(words[k]!);
    out.ascii('"');
  }
  out.raw(K_FIELDS);
  writeFields(info, words, out);
  out.raw(K_END);
}

/** Scratch word arrays by length, so the view path allocates no array per record. */
export function jsonScratch(): number[][] {
  return Array.from({ length: 8 }, (_, n) => new Array<number>(n).fill(0));
}

/** JSON line straight from the framer's view, without a TraceRecord: the file-order dump's path. */
export function writeViewJson(v: RecordView, words: number[][], out: JsonBytes): void {
  const w = words[v.nWords]!;
  for (let k = 0; k < v.nWords; k++) w[k] = v.buf.readUInt32LE(v.payloadAt + 4 * k);
  writeLine(out, v.index, v.offset, v.cpu, v.tscKnown, v.tscHi, v.tscLo, !v.hasTsc && v.tscKnown, v.event, lookupEvent(v.event), w);
}

/** Writes a materialised record's JSON line. */
export function writeRecordJson(r: TraceRecord, out: JsonBytes): void {
  writeLine(out, r.i, r.offset, r.cpu, r.tscKnown, r.tscHi, r.tscLo, r.tscInherited, r.event, r.info, r.extra);
}

/** One record's JSON line as a string (with the newline). */
export function recordJsonLine(r: TraceRecord): string {
  const out = new JsonBytes(4096);
  writeRecordJson(r, out);
  return out.buf.toString('latin1', 0, out.pos);
}

/** The same as an object. */
export function recordToJson(r: TraceRecord): Record<string, unknown> {
  return JSON.parse(recordJsonLine(r)) as Record<string, unknown>;
}
