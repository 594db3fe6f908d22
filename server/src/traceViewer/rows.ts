// Turns core records into the rows and details of the viewer protocol.
import { fieldsText, type TraceRecord } from '../core/xentrace/record';
import { hex32 } from '../core/xentrace/eventIds';
import type { TraceRecordDetail, TraceRow } from '../protocol/traceViewer';

export function rowOf(r: TraceRecord, dom: number, vcpu: number): TraceRow {
  return {
    i: r.i,
    offset: r.offset,
    cpu: r.cpu,
    tsc: r.tscKnown ? r.tsc!.toString() : null,
    tscInherited: r.tscInherited,
    event: r.event,
    name: r.name,
    className: r.info.className,
    dom,
    vcpu,
    summary: fieldsText(r.fields),
  };
}

/** The row plus every field, the payload words and the record's bytes as read from the file. */
export function detailOf(r: TraceRecord, dom: number, vcpu: number, bytes: Buffer): TraceRecordDetail {
  const detail: TraceRecordDetail = {
    ...rowOf(r, dom, vcpu),
    header: r.header >>> 0,
    size: r.size,
    is64: r.is64,
    flags: r.info.flags,
    versions: r.versions,
    fields: r.fields.map((f) => (f.meaning === undefined ? { name: f.name, text: f.text } : { name: f.name, text: f.text, meaning: f.meaning })),
    words: r.extra.map(hex32),
    bytes: Array.from(bytes, (b) => b.toString(16).padStart(2, '0')),
  };
  const note = r.payload.note ?? r.info.note;
  if (note !== undefined) detail.note = note;
  return detail;
}

/** One line of the text export, in the layout the xentrace grammar colours: CPU, TSC, delta, name, fields. */
export function exportLine(r: TraceRecord, previousTsc: bigint | undefined): string {
  const tsc = r.tsc;
  const tscText = tsc === null ? '-' : `${tsc}${r.tscInherited ? '*' : ''}`;
  const delta = tsc !== null && previousTsc !== undefined ? (tsc - previousTsc).toString() : '0';
  const name = r.is64 ? `${r.name}(64)` : r.name;
  const fields = fieldsText(r.fields);
  return `CPU${r.cpu} ${tscText} (+${delta.padStart(8)}) ${name}${fields.length > 0 ? ` ${fields}` : ''}`;
}
