// The JSON Lines form of a record (`xenscope trace dump --json`): keys i, offset, cpu, tsc,
// tscInherited, event, name, [is64], extra, fields. This is the hot path of a dump, so it writes
// ASCII bytes straight into a Buffer, with what is constant for an event and a word count compiled
// once into a RecordPlan (recordPlans.ts).
import { applyLayout, type DecodedField, type FieldSpec, type Layout } from './decoders/layout';
import { RAW } from './decoders/eventDef';
import type { EventInfo } from './catalogue';
import { planCache } from './recordPlans';
import { hex32 } from './eventIds';
import type { TraceRecord } from './record';
import type { PayloadScratch, RecordView } from './framer';
import { ByteWriter, enc } from './byteWriter';

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

function makePlan(info: EventInfo, layout: Layout, n: number): RecordPlan {
  const head = enc(`${hex32(info.event)}","name":"${layout.name ?? info.name}"${info.is64 ? ',"is64":true' : ''},"extra":[`);
  return { head, fields: compileFields(layout, n), layout };
}

const planFor = planCache(makePlan);

function writeFields(ops: readonly FieldOp[], words: readonly number[], out: ByteWriter): void {
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
        out.buf[out.pos++] = 34;
        out.hex64(w, words[f.at + 1]! >>> 0);
        out.buf[out.pos++] = 34;
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
function writeDecodedFields(plan: RecordPlan, event: number, words: readonly number[], out: ByteWriter): void {
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
  out: ByteWriter,
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

/** JSON line straight from the framer's view, without a TraceRecord: the file-order dump's path. */
export function writeViewJson(v: RecordView, words: PayloadScratch, out: ByteWriter): void {
  writeLine(out, v.index, v.offset, v.cpu, v.tscKnown, v.tscHi, v.tscLo, !v.hasTsc && v.tscKnown, v.event, words.of(v));
}

/** Writes a materialised record's JSON line. */
export function writeRecordJson(r: TraceRecord, out: ByteWriter): void {
  writeLine(out, r.i, r.offset, r.cpu, r.tscKnown, r.tscHi, r.tscLo, r.tscInherited, r.event, r.extra);
}

/** One record's JSON line as a string (with the newline). */
export function recordJsonLine(r: TraceRecord): string {
  const out = new ByteWriter(4096);
  writeRecordJson(r, out);
  return out.buf.toString('latin1', 0, out.pos);
}

/** The same as an object. */
export function recordToJson(r: TraceRecord): Record<string, unknown> {
  return JSON.parse(recordJsonLine(r)) as Record<string, unknown>;
}
