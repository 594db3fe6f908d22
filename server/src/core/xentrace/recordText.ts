// The text form of a record (`xenscope trace dump`):
//   CPU3 5000002967 (+    2931) TRC_PV_PAGE_FAULT(64) rip=0xffffffff857d6fe7 error_code=0x6 (not present, write, user)
// CPU, TSC (`*` = inherited from an earlier record on that CPU, `-` = none yet), the delta to the
// previous printed record on that CPU, the name with its flags, then `field=value (meaning)` as
// decodePayload and fieldsText give them (a unit test compares the two on every layout). Like the
// JSON form, it is written as bytes with a plan per event and word count.
import { applyLayout, makeField, u64, type FieldSpec, type Layout } from './decoders/layout';
import { RAW } from './decoders/eventDef';
import type { EventInfo } from './catalogue';
import { PayloadScratch, type RecordView } from './framer';
import type { TraceRecord } from './record';
import { ByteWriter, enc } from './byteWriter';
import { planCache } from './recordPlans';

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

const enum Op {
  /** (word >>> lo) & mask in decimal. */
  Dec,
  /** The same as `0x…`. */
  Hex,
  /** A whole word as a signed 32-bit decimal. */
  Signed,
  Bool,
  /** Two words (low first) as `0x…`. */
  Hex64,
  /** Anything else (64-bit decimals, odd bitfields): through makeField, as applyLayout does it. */
  General,
}

interface TextOp {
  op: Op;
  /** ` name=` */
  key: Uint8Array;
  at: number;
  lo: number;
  mask: number;
  spec: FieldSpec;
  /** ` (meaning)` when it does not depend on the value (`wN` words past the layout). */
  fixed: Uint8Array | undefined;
}

interface TextPlan {
  /** `NAME(64)[flags]` */
  title: Uint8Array;
  /** Undefined for a layout that decodes itself (HYPERCALL_V2). */
  ops: TextOp[] | undefined;
  layout: Layout;
}

function textOp(spec: FieldSpec, at: number, fixedMeaning?: string): TextOp {
  const [lo, width] = spec.bits ?? [0, 32];
  const format = spec.format ?? 'hex';
  let op = Op.General;
  if (spec.words === 2) op = format === 'hex' ? Op.Hex64 : Op.General;
  else if (format === 'dec' || (format === 'signed' && spec.bits && width < 32)) op = Op.Dec;
  else if (format === 'hex') op = Op.Hex;
  else if (format === 'signed' && !spec.bits) op = Op.Signed;
  else if (format === 'bool') op = Op.Bool;
  return {
    op,
    key: enc(` ${spec.name}=`),
    at,
    lo,
    mask: width === 32 ? -1 : (1 << width) - 1,
    spec,
    fixed: fixedMeaning === undefined ? undefined : utf8(` (${fixedMeaning})`),
  };
}

/** The fields of `layout` on exactly `n` words, in applyLayout's order. */
function compileOps(layout: Layout, n: number): TextOp[] | undefined {
  const ops: TextOp[] = [];
  let at = 0;
  if (layout === RAW[0]) {
    for (; at < n; at++) ops.push(textOp({ name: `w${at}`, format: 'hex' }, at));
    return ops;
  }
  if (layout.decode) return undefined;
  for (const spec of layout.specs ?? []) {
    if ('bitfields' in spec) {
      if (at >= n) break;
      for (const bf of spec.bitfields) ops.push(textOp(bf, at));
      at++;
      continue;
    }
    const width = spec.words ?? 1;
    if (at + width > n) break;
    ops.push(textOp(spec, at));
    at += width;
  }
  for (; at < n; at++) ops.push(textOp({ name: `w${at}`, format: 'hex' }, at, 'not in this layout'));
  return ops;
}

function makePlan(info: EventInfo, layout: Layout, n: number): TextPlan {
  const flags = info.flags.filter((f) => f !== '64-bit addresses');
  const title = `${layout.name ?? info.name}${info.is64 ? '(64)' : ''}${flags.length > 0 ? `[${flags.join(', ')}]` : ''}`;
  return { title: utf8(title), ops: compileOps(layout, n), layout };
}

const planFor = planCache(makePlan);
const CPU = enc('CPU');
const NO_TSC = enc(' - (+        ) ');

function writeMeaning(out: ByteWriter, m: string | undefined): void {
  if (m === undefined) return;
  out.ascii(' (');
  out.text(m);
  out.ascii(')');
}

function writeOps(ops: readonly TextOp[], words: readonly number[], out: ByteWriter): void {
  for (let k = 0; k < ops.length; k++) {
    const f = ops[k]!;
    out.raw(f.key);
    const w = words[f.at]! >>> 0;
    const meaning = f.spec.meaning;
    switch (f.op) {
      case Op.Dec: {
        const v = ((w >>> f.lo) & f.mask) >>> 0;
        out.uint(v);
        if (meaning) writeMeaning(out, meaning(v));
        break;
      }
      case Op.Hex: {
        const v = ((w >>> f.lo) & f.mask) >>> 0;
        out.hex(v);
        if (meaning) writeMeaning(out, meaning(v));
        break;
      }
      case Op.Signed:
        out.int(w | 0);
        if (meaning) writeMeaning(out, meaning(w | 0));
        break;
      case Op.Bool: {
        const v = ((w >>> f.lo) & f.mask) >>> 0;
        out.ascii(v ? 'true' : 'false');
        if (meaning) writeMeaning(out, meaning(v));
        break;
      }
      case Op.Hex64: {
        const hi = words[f.at + 1]! >>> 0;
        out.hex64(w, hi);
        if (meaning) writeMeaning(out, meaning(u64(w, hi)));
        break;
      }
      default: {
        const raw = f.spec.words === 2 ? u64(w, words[f.at + 1]! >>> 0) : ((w >>> f.lo) & f.mask) >>> 0;
        const field = makeField(f.spec, raw, true);
        out.text(field.text);
        writeMeaning(out, field.meaning);
      }
    }
    if (f.fixed) out.raw(f.fixed);
  }
}

/** Writes text lines; keeps each CPU's last printed TSC for the deltas. */
/** A TSC as the deltas keep it: a number below 2^53, a bigint above. */
const tscValue = (hi: number, lo: number): number | bigint => (hi < 0x200000 ? hi * 0x100000000 + lo : (BigInt(hi) << 32n) | BigInt(lo));

export class RecordTextWriter {
  /** The TSC as a number while it is below 2^53 (always, in practice), else a bigint. */
  private readonly prevTsc = new Map<number, number | bigint>();
  private readonly words = new PayloadScratch();

  constructor(private readonly out: ByteWriter) {}

  /** A line straight from the framer's view (the file-order dump). */
  view(v: RecordView): void {
    this.line(v.cpu, v.tscKnown, v.tscHi, v.tscLo, !v.hasTsc && v.tscKnown, v.event, this.words.of(v));
  }

  /**
   * A parallel dump's block starts at `v` after records this writer did not print: deltas
   * continue from each CPU's TSC state (`states`, and for v's CPU the state before v). Valid when
   * every record of a CPU is printed (no --event filter).
   */
  restartDeltas(states: ReadonlyMap<number, { hi: number; lo: number; known: boolean }>, v: RecordView): void {
    this.prevTsc.clear();
    for (const [cpu, st] of states) if (st.known) this.prevTsc.set(cpu, tscValue(st.hi, st.lo));
    if (v.prevTscKnown) this.prevTsc.set(v.cpu, tscValue(v.prevTscHi, v.prevTscLo));
    else this.prevTsc.delete(v.cpu);
  }

  record(r: TraceRecord): void {
    this.line(r.cpu, r.tscKnown, r.tscHi, r.tscLo, r.tscInherited, r.event, r.extra);
  }

  /** A record another writer prints (a parallel time-order dump): only the deltas move on. */
  skipTsc(cpu: number, tscKnown: boolean, hi: number, lo: number): void {
    if (tscKnown) this.prevTsc.set(cpu, tscValue(hi, lo));
  }

  private line(cpu: number, tscKnown: boolean, hi: number, lo: number, inherited: boolean, event: number, words: readonly number[]): void {
    const out = this.out;
    const plan = planFor(event, words);
    out.raw(CPU);
    out.uint(cpu);
    if (!tscKnown) out.raw(NO_TSC);
    else {
      out.ascii(' ');
      const prev = this.prevTsc.get(cpu);
      if (hi < 0x200000) {
        const tsc = hi * 0x100000000 + lo;
        out.uint(tsc);
        if (inherited) out.ascii('*');
        out.ascii(' (+');
        if (prev === undefined) out.ascii('       0');
        else if (typeof prev === 'number' && tsc >= prev && tsc - prev < 0x80000000) out.padUint(tsc - prev, 8);
        else out.ascii(String(BigInt(tsc) - BigInt(prev)).padStart(8));
        this.prevTsc.set(cpu, tsc);
      } else {
        const tsc = (BigInt(hi) << 32n) | BigInt(lo);
        out.ascii(tsc.toString());
        if (inherited) out.ascii('*');
        out.ascii(' (+');
        out.ascii((prev === undefined ? '0' : String(tsc - BigInt(prev))).padStart(8));
        this.prevTsc.set(cpu, tsc);
      }
      out.ascii(') ');
    }
    out.raw(plan.title);
    if (plan.ops) writeOps(plan.ops, words, out);
    else
      for (const f of applyLayout(plan.layout, words, event, true)) {
        out.ascii(` ${f.name}=`);
        out.text(f.text);
        writeMeaning(out, f.meaning);
      }
    out.ascii('\n');
  }
}
