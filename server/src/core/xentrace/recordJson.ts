// The JSON Lines form of a record (`xenscope trace dump --json`): keys i, offset, cpu, tsc,
// tscInherited, event, name, [is64], extra, fields. This is the hot path of a dump, so it writes
// ASCII bytes straight into a Buffer (no intermediate strings for the GC to collect). Everything
// constant for an event and a word count (the ID, the name, the field keys, which bits of which
// word each field takes) is compiled once into a RecordPlan.
import { applyLayout, chooseLayout, type DecodedField, type FieldSpec, type Layout } from './decoders/layout';
import { RAW } from './decoders/eventDef';
import { lookupEvent, type EventInfo } from './catalogue';
import { hex32 } from './eventIds';
import type { TraceRecord } from './record';
import type { RecordView } from './framer';

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
/** "00" … "99": two digits per division. */
const DEC2 = enc(Array.from({ length: 100 }, (_, k) => String(k).padStart(2, '0')).join(''));
/** "00" … "ff": two hex digits per byte. */
const HEX2 = enc(Array.from({ length: 256 }, (_, k) => k.toString(16).padStart(2, '0')).join(''));
const HEX_DIGITS = enc('0123456789abcdef');

/** An ASCII output buffer; the caller hands it over (take()) before it runs low. */
export class JsonBytes {
  buf: Buffer;
  pos = 0;

  constructor(size = 1 << 20) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(size, 4096));
  }

  /** Bytes still free; a record needs well under 1 KiB. */
  get free(): number {
    return this.buf.length - this.pos;
  }

  /** Hands over what was written so far and continues in a fresh buffer (the caller owns the bytes). */
  take(): Buffer {
    const full = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafeSlow(this.buf.length);
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
    this.buf.set(src, this.pos);
    this.pos += src.length;
  }

  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let k = 0; k < s.length; k++) b[p++] = s.charCodeAt(k);
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
    const len = n < 1e4 ? (n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : 4) : n < 1e6 ? (n < 1e5 ? 5 : 6) : n < 1e8 ? (n < 1e7 ? 7 : 8) : n < 1e9 ? 9 : 10;
    let p = this.pos + len;
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

  /** A u64 from its halves in the shortest hex, quoted. */
  quotedHex64(lo: number, hi: number): void {
    this.buf[this.pos++] = 34;
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
    this.buf[this.pos++] = 34;
  }
}

/** What a field writes, after its key. */
const enum Op {
  /** Unsigned decimal of (word >>> lo) & mask. */
  Dec,
  /** The same as a quoted shortest `0x…`. */
  Hex,
  /** A whole word as a signed 32-bit decimal. */
  Signed,
  Bool,
  /** Two words (low first) as a quoted shortest `0x…`. */
  Hex64,
  /** Two words as a decimal: a number up to 2^53, a string beyond (JSON readers lose precision). */
  Dec64,
  Signed64,
}

interface FieldOp {
  op: Op;
  /** `"name":` with the comma before it when it is not the first field. */
  key: Uint8Array;
  /** Index of the (first) payload word. */
  at: number;
  lo: number;
  mask: number;
}

function fieldOp(spec: FieldSpec, at: number, first: boolean, op?: Op): FieldOp {
  const [lo, width] = spec.bits ?? [0, 32];
  const key = enc(`${first ? '' : ','}"${spec.name}":`);
  if (op === undefined) {
    const two = spec.words === 2;
    switch (spec.format ?? 'hex') {
      case 'hex':
        op = two ? Op.Hex64 : Op.Hex;
        break;
      case 'signed':
        // A signed bitfield is printed as its unsigned bits (only whole words carry a sign).
        op = two ? Op.Signed64 : spec.bits ? Op.Dec : Op.Signed;
        break;
      case 'bool':
        op = Op.Bool;
        break;
      default:
        op = two ? Op.Dec64 : Op.Dec;
    }
  }
  return { op, key, at, lo, mask: width === 32 ? -1 : (1 << width) - 1 };
}

/**
 * The fields of `layout` applied to exactly `n` words, as applyLayout walks them (it is the
 * reference: a unit test compares the two on every layout); undefined for a layout that decodes
 * itself (HYPERCALL_V2).
 */
function compileFields(layout: Layout, n: number): FieldOp[] | undefined {
  const ops: FieldOp[] = [];
  let at = 0;
  if (layout === RAW[0]) {
    // Unknown events: every word as `wN`.
  } else if (layout.decode) return undefined;
  else
    for (const spec of layout.specs ?? []) {
      if ('bitfields' in spec) {
        if (at >= n) break;
        for (const bf of spec.bitfields) ops.push(fieldOp(bf, at, ops.length === 0));
        at++;
        continue;
      }
      const width = spec.words ?? 1;
      if (at + width > n) break;
      ops.push(fieldOp(spec, at, ops.length === 0));
      at += width;
    }
  for (; at < n; at++) ops.push(fieldOp({ name: `w${at}` }, at, ops.length === 0, Op.Hex));
  return ops;
}

/** Everything constant in the line of one event with one word count and layout. */
interface RecordPlan {
  /** `0x%08x","name":"…"[,"is64":true],"extra":[` */
  head: Uint8Array;
  /** The compiled fields, or undefined to go through applyLayout. */
  fields: FieldOp[] | undefined;
  layout: Layout;
}

function makePlan(info: EventInfo, layout: Layout | undefined, n: number): RecordPlan {
  const name = layout?.name ?? info.name;
  const head = enc(`${hex32(info.event)}","name":"${name}"${info.is64 ? ',"is64":true' : ''},"extra":[`);
  layout ??= { words: 0, versions: '', specs: [] };
  return { head, fields: compileFields(layout, n), layout };
}

/**
 * Plans by `event * 8 + word count`: the layout is fixed by the count unless the first layout of
 * that size has a test on the words; those events keep a plan per layout.
 */
const PLANS = new Map<number, RecordPlan | Map<Layout, RecordPlan>>();
/** Corrupt input can show millions of distinct unknown IDs: the cache starts over past this. */
const MAX_PLANS = 1 << 14;

function planFor(event: number, words: readonly number[]): RecordPlan {
  const key = event * 8 + words.length;
  let entry = PLANS.get(key);
  if (entry === undefined) {
    const info = lookupEvent(event);
    const exact = info.layouts.find((l) => l.words === words.length);
    entry = exact?.test ? new Map() : makePlan(info, chooseLayout(info.layouts, words), words.length);
    if (PLANS.size >= MAX_PLANS) PLANS.clear();
    PLANS.set(key, entry);
  }
  if (!(entry instanceof Map)) return entry;
  const info = lookupEvent(event);
  const layout = chooseLayout(info.layouts, words)!;
  let plan = entry.get(layout);
  if (!plan) entry.set(layout, (plan = makePlan(info, layout, words.length)));
  return plan;
}

function writeFields(ops: readonly FieldOp[], words: readonly number[], out: JsonBytes): void {
  for (let k = 0; k < ops.length; k++) {
    const f = ops[k]!;
    out.raw(f.key);
    const w = words[f.at]! >>> 0;
    switch (f.op) {
      case Op.Dec:
        out.uint(((w >>> f.lo) & f.mask) >>> 0);
        break;
      case Op.Hex:
        out.buf[out.pos++] = 34;
        out.hex(((w >>> f.lo) & f.mask) >>> 0);
        out.buf[out.pos++] = 34;
        break;
      case Op.Signed:
        out.int(w | 0);
        break;
      case Op.Bool:
        out.ascii(((w >>> f.lo) & f.mask) !== 0 ? 'true' : 'false');
        break;
      case Op.Hex64:
        out.quotedHex64(w, words[f.at + 1]! >>> 0);
        break;
      default: {
        const hi = words[f.at + 1]! >>> 0;
        if (hi < 0x200000) out.uint(hi * 0x100000000 + w);
        else {
          const big = (BigInt(hi) << 32n) | BigInt(w);
          const v = f.op === Op.Signed64 ? BigInt.asIntN(64, big) : big;
          const num = Number(v);
          out.ascii(Number.isSafeInteger(num) ? String(num) : `"${v}"`);
        }
      }
    }
  }
}

/** JSON value of a decoded field: hex fields as "0x…" strings, decimal ones as numbers (strings past 2^53). */
export function fieldJsonValue(f: DecodedField): number | string {
  if (f.text.startsWith('0x')) return f.text;
  if (typeof f.value === 'bigint') return f.value.toString();
  if (typeof f.value === 'number' && f.text !== String(f.value)) return f.text;
  return f.value;
}

/** Variable layouts (HYPERCALL_V2) go through the general decoder. */
function writeDecodedFields(plan: RecordPlan, event: number, words: readonly number[], out: JsonBytes): void {
  const fields = applyLayout(plan.layout, words, event, false);
  for (let k = 0; k < fields.length; k++) {
    const v = fieldJsonValue(fields[k]!);
    out.ascii((k ? ',"' : '"') + fields[k]!.name + '":' + (typeof v === 'number' ? String(v) : `"${v}"`));
  }
}

const K_I = enc('{"i":');
const K_OFFSET = enc(',"offset":');
const K_CPU = enc(',"cpu":');
const K_TSC_NULL = enc(',"tsc":null');
const K_TSC = enc(',"tsc":"');
const K_INH_TRUE = enc('","tscInherited":true,"event":"');
const K_INH_FALSE = enc('","tscInherited":false,"event":"');
const K_INH_TRUE_NT = enc(',"tscInherited":true,"event":"');
const K_INH_FALSE_NT = enc(',"tscInherited":false,"event":"');
const K_FIELDS = enc('],"fields":{');
const K_END = enc('}}\n');

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
  words: readonly number[],
): void {
  const plan = planFor(event, words);
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
  out.raw(plan.head);
  const b = out.buf;
  for (let k = 0; k < words.length; k++) {
    if (k > 0) b[out.pos++] = 44; // ,
    b[out.pos++] = 34; // "
    out.hex8(words[k]!);
    b[out.pos++] = 34;
  }
  out.raw(K_FIELDS);
  if (plan.fields) writeFields(plan.fields, words, out);
  else writeDecodedFields(plan, event, words, out);
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
  writeLine(out, v.index, v.offset, v.cpu, v.tscKnown, v.tscHi, v.tscLo, !v.hasTsc && v.tscKnown, v.event, w);
}

/** Writes a materialised record's JSON line. */
export function writeRecordJson(r: TraceRecord, out: JsonBytes): void {
  writeLine(out, r.i, r.offset, r.cpu, r.tscKnown, r.tscHi, r.tscLo, r.tscInherited, r.event, r.extra);
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
