// The JSON Lines form of a record (`xenscope trace dump --json`), built by hand because it is
// the hot path of a dump: keys i, offset, cpu, tsc, tscInherited, event, name, [is64], extra, fields.
import { applyLayout, chooseLayout, type DecodedField, type FieldSpec, type Layout } from './decoders/layout';
import { knownEventIds, lookupEvent } from './catalogue';
import type { TraceRecord } from './record';
import type { RecordView } from './framer';
import { payloadName } from './catalogue';

const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
const HEX = (v: number) => '"0x' + BYTE_HEX[v >>> 24]! + BYTE_HEX[(v >>> 16) & 0xff]! + BYTE_HEX[(v >>> 8) & 0xff]! + BYTE_HEX[v & 0xff]! + '"';

/** JSON value of a field: hex fields as "0x…" strings, decimal ones as numbers (strings past 2^53). */
export function fieldJsonValue(f: DecodedField): number | string {
  if (f.text.startsWith('0x')) return f.text;
  if (typeof f.value === 'bigint') return f.value.toString();
  if (typeof f.value === 'number' && f.text !== String(f.value)) return f.text;
  return f.value;
}

type JsonWriter = (words: readonly number[]) => string;

function valueJson(spec: FieldSpec, v: number): string {
  switch (spec.format) {
    case 'hex':
      return '"0x' + v.toString(16) + '"';
    case 'signed':
      return spec.bits ? String(v) : String(v | 0);
    case 'bool':
      return v ? 'true' : 'false';
    default:
      return String(v);
  }
}

/** Compiles a declarative layout into a function that writes its fields as JSON members. */
function compile(layout: Layout): JsonWriter | undefined {
  if (layout.decode || !layout.specs) return undefined;
  const specs = layout.specs;
  return (words) => {
    let s = '';
    let at = 0;
    for (const spec of specs) {
      if ('bitfields' in spec) {
        if (at >= words.length) break;
        const word = words[at++]! >>> 0;
        for (const bf of spec.bitfields) {
          const [lo, width] = bf.bits ?? [0, 32];
          const v = width === 32 ? word : (word >>> lo) & ((1 << width) - 1);
          s += ',"' + bf.name + '":' + valueJson(bf, v >>> 0);
        }
        continue;
      }
      if (spec.words === 2) {
        if (at + 2 > words.length) break;
        const lo = words[at]! >>> 0;
        const hi = words[at + 1]! >>> 0;
        at += 2;
        if (spec.format === 'hex') s += ',"' + spec.name + '":"0x' + (hi === 0 ? lo.toString(16) : hi.toString(16) + lo.toString(16).padStart(8, '0')) + '"';
        else {
          const big = (BigInt(hi) << 32n) | BigInt(lo);
          const v = spec.format === 'signed' ? BigInt.asIntN(64, big) : big;
          const n = Number(v);
          s += ',"' + spec.name + '":' + (Number.isSafeInteger(n) ? String(n) : '"' + v + '"');
        }
        continue;
      }
      if (at >= words.length) break;
      s += ',"' + spec.name + '":' + valueJson(spec, words[at++]! >>> 0);
    }
    for (; at < words.length; at++) s += ',"w' + at + '":"0x' + (words[at]! >>> 0).toString(16) + '"';
    return s.length > 0 ? s.slice(1) : s;
  };
}

/** Writers for every declarative layout, built once at load (constant afterwards). */
const WRITERS: ReadonlyMap<Layout, JsonWriter> = (() => {
  const m = new Map<Layout, JsonWriter>();
  for (const id of knownEventIds())
    for (const l of lookupEvent(id).layouts) {
      const w = compile(l);
      if (w) m.set(l, w);
    }
  return m;
})();

function fieldsJson(info: ReturnType<typeof lookupEvent>, words: readonly number[]): string {
  const layout = chooseLayout(info.layouts, words);
  const writer = layout && WRITERS.get(layout);
  if (writer) return writer(words);
  const fields = applyLayout(layout ?? { words: 0, versions: '', specs: [] }, words, info.event, false);
  let s = '';
  for (let k = 0; k < fields.length; k++) {
    const v = fieldJsonValue(fields[k]!);
    // Field names are identifiers and values are digits or hex: no JSON escaping needed.
    s += (k ? ',"' : '"') + fields[k]!.name + '":' + (typeof v === 'number' ? String(v) : '"' + v + '"');
  }
  return s;
}

/** One line of JSON (with the newline). */
export function recordJsonLine(r: TraceRecord): string {
  const tsc = r.tscDecimal;
  let s = `{"i":${r.i},"offset":${r.offset},"cpu":${r.cpu},"tsc":${tsc === null ? 'null' : '"' + tsc + '"'},"tscInherited":${r.tscInherited},"event":${HEX(r.event)},"name":${JSON.stringify(r.name)}`;
  if (r.is64) s += ',"is64":true';
  s += ',"extra":[';
  for (let k = 0; k < r.extra.length; k++) s += (k ? ',' : '') + HEX(r.extra[k]!);
  s += '],"fields":{' + fieldsJson(r.info, r.extra);
  return s + '}}\n';
}

/** Scratch word arrays by length, so the view path allocates no array per record. */
function scratch(): number[][] {
  return Array.from({ length: 8 }, (_, n) => new Array<number>(n).fill(0));
}

/**
 * JSON line straight from the framer's view, without a TraceRecord: the file-order dump's path.
 * `words` is a scratch set from `jsonScratch()` owned by the caller.
 */
export function viewJsonLine(v: RecordView, words: number[][]): string {
  const w = words[v.nWords]!;
  for (let k = 0; k < v.nWords; k++) w[k] = v.buf.readUInt32LE(v.payloadAt + 4 * k);
  const info = lookupEvent(v.event);
  const tsc = !v.tscKnown ? 'null' : v.tscHi < 0x200000 ? '"' + (v.tscHi * 0x100000000 + v.tscLo) + '"' : '"' + ((BigInt(v.tscHi) << 32n) | BigInt(v.tscLo)) + '"';
  let s = '{"i":' + v.index + ',"offset":' + v.offset + ',"cpu":' + v.cpu + ',"tsc":' + tsc + ',"tscInherited":' + (!v.hasTsc && v.tscKnown) + ',"event":' + HEX(v.event) + ',"name":"' + payloadName(info, w) + '"';
  if (info.is64) s += ',"is64":true';
  s += ',"extra":[';
  for (let k = 0; k < v.nWords; k++) s += (k ? ',' : '') + HEX(w[k]!);
  return s + '],"fields":{' + fieldsJson(info, w) + '}}\n';
}

export { scratch as jsonScratch };

/** The same as an object (for callers that want one). */
export function recordToJson(r: TraceRecord): Record<string, unknown> {
  return JSON.parse(recordJsonLine(r)) as Record<string, unknown>;
}
