// The JSON Lines form of a record (`xenscope trace dump --json`), built by hand because it is
// the hot path of a dump: keys i, offset, cpu, tsc, tscInherited, event, name, [is64], extra, fields.
import type { DecodedField } from './decoders/layout';
import type { TraceRecord } from './record';

const HEX = (v: number) => '"0x' + (v >>> 0).toString(16).padStart(8, '0') + '"';

/** JSON value of a field: hex fields as "0x…" strings, decimal ones as numbers (strings past 2^53). */
export function fieldJsonValue(f: DecodedField): number | string {
  if (f.text.startsWith('0x')) return f.text;
  if (typeof f.value === 'bigint') return f.value.toString();
  if (typeof f.value === 'number' && f.text !== String(f.value)) return f.text;
  return f.value;
}

/** One line of JSON (with the newline). */
export function recordJsonLine(r: TraceRecord): string {
  const tsc = r.tsc;
  let s = `{"i":${r.i},"offset":${r.offset},"cpu":${r.cpu},"tsc":${tsc === null ? 'null' : '"' + tsc + '"'},"tscInherited":${r.tscInherited},"event":${HEX(r.event)},"name":${JSON.stringify(r.name)}`;
  if (r.is64) s += ',"is64":true';
  s += ',"extra":[';
  for (let k = 0; k < r.extra.length; k++) s += (k ? ',' : '') + HEX(r.extra[k]!);
  s += '],"fields":{';
  const fields = r.fields;
  for (let k = 0; k < fields.length; k++) {
    const v = fieldJsonValue(fields[k]!);
    s += (k ? ',' : '') + JSON.stringify(fields[k]!.name) + ':' + (typeof v === 'number' ? String(v) : JSON.stringify(v));
  }
  return s + '}}\n';
}

/** The same as an object (for callers that want one). */
export function recordToJson(r: TraceRecord): Record<string, unknown> {
  return JSON.parse(recordJsonLine(r)) as Record<string, unknown>;
}
