// What the hover shows: given one line of trace text in any rendering, the decoded record
// (event name, class/subclass, flags, fields with meanings, raw words, Xen versions of the layout).
import { decodePayload, eventIdsByName, lookupEvent, type EventInfo } from './catalogue';
import { CPU_CHANGE_HEADER, hex32 } from './eventIds';
import { RUNSTATES } from './meanings/sched';
import type { TraceRecord } from './record';
import { readTraceBuffer } from './traceReader';
import { parseDumpLine, parseHexWords, parseXenalyzeLine, parseXentraceFormatLine } from './textLines';
import { FORMATS_LABELS, XENALYZE_KEYWORDS, XENALYZE_SCHED_KEYWORDS } from './textNames';

export interface FieldDescription {
  name: string;
  text: string;
  meaning?: string;
}

export interface RecordDescription {
  /** Which rendering the line was read as. */
  source: 'xentrace_format' | 'xenalyze' | 'hex-words' | 'xxd' | 'hexdump';
  event: number;
  name: string;
  className: string;
  subclassName: string;
  flags: string[];
  is64: boolean;
  known: boolean;
  cpu?: number;
  tsc?: string;
  fields: FieldDescription[];
  /** Payload words, when the line carries them. */
  rawWords?: number[];
  /** Xen versions whose layout was used (when words were decoded). */
  versions?: string;
  notes: string[];
}

function fromInfo(source: RecordDescription['source'], info: EventInfo, words: readonly number[] | undefined): RecordDescription {
  const d: RecordDescription = {
    source,
    event: info.event,
    name: info.name,
    className: info.className,
    subclassName: info.subclassName,
    flags: info.flags,
    is64: info.is64,
    known: info.known,
    fields: [],
    notes: info.note ? [info.note] : [],
  };
  if (words) {
    const p = decodePayload(info, words);
    d.name = p.name;
    d.rawWords = [...words];
    d.versions = p.versions;
    d.fields = p.fields.map((f) => (f.meaning === undefined ? { name: f.name, text: f.text } : { name: f.name, text: f.text, meaning: f.meaning }));
    if (p.note && !d.notes.includes(p.note)) d.notes.push(p.note);
  }
  return d;
}

/** Describes a record already read from a binary file (table row, binary editor). */
export function describeRecord(r: TraceRecord): RecordDescription {
  const d = fromInfo('hex-words', r.info, r.extra);
  d.cpu = r.cpu;
  if (r.tsc !== null) d.tsc = r.tsc.toString() + (r.tscInherited ? ' (inherited)' : '');
  return d;
}

/** Words → one record (header [TSC lo, hi] payload), or several records if they form a window. */
function describeWords(words: number[], source: RecordDescription['source']): RecordDescription | undefined {
  if (words.length === 0) return undefined;
  const header = words[0]! >>> 0;
  const n = (header >>> 28) & 7;
  const hasTsc = header >>> 31 === 1;
  const need = 1 + (hasTsc ? 2 : 0) + n;
  if ((header & 0x0fffffff) >>> 16 === 0) return undefined;
  if (header === CPU_CHANGE_HEADER && words.length > 3) {
    // A window: decode its first record through the binary reader.
    const buf = Buffer.alloc(4 * words.length);
    words.forEach((w, k) => buf.writeUInt32LE(w >>> 0, 4 * k));
    const { records } = readTraceBuffer(buf);
    if (records.length > 0) {
      const d = describeRecord(records[0]!);
      d.source = source;
      d.notes.push(`window of CPU ${words[1]}: first of ${records.length} record(s) shown`);
      return d;
    }
  }
  if (words.length < need) return undefined;
  const d = fromInfo(source, lookupEvent(header), words.slice(1 + (hasTsc ? 2 : 0), need));
  if (hasTsc) d.tsc = ((BigInt(words[2]! >>> 0) << 32n) | BigInt(words[1]! >>> 0)).toString();
  if (words.length > need) d.notes.push(`${words.length - need} more word(s) after this ${4 * need}-byte record`);
  return d;
}

/** How plausible a header is: known events beat unknown ones, exact word counts beat spares. */
function score(words: number[]): number {
  const h = words[0]! >>> 0;
  const main = (h >>> 16) & 0xfff;
  if (main === 0 || (main & (main - 1)) !== 0) return -1;
  const need = 1 + (h >>> 31 ? 2 : 0) + ((h >>> 28) & 7);
  if (words.length < need && h !== CPU_CHANGE_HEADER) return -1;
  return (lookupEvent(h).known ? 2 : 0) + (words.length === need ? 1 : 0);
}

const byteSwap = (w: number) => (((w & 0xff) << 24) | ((w & 0xff00) << 8) | ((w >>> 8) & 0xff00) | (w >>> 24)) >>> 0;

function describeHex(text: string): RecordDescription | undefined {
  // xenalyze --dump-raw-*: the raw u32 words sit between the last two '|'.
  const raw = /\|\s*([0-9a-f ]+?)\s*\|\s*$/i.exec(text);
  const tokens = parseHexWords(raw ? raw[1]! : text);
  if (!tokens) return undefined;
  const asWords = tokens.map((t) => parseInt(t, 16) >>> 0);
  // The same tokens read as little-endian byte groups (`03f00120` = bytes 03 f0 01 20).
  const asBytes = asWords.map(byteSwap);
  const a = score(asWords);
  const b = score(asBytes);
  if (a < 0 && b < 0) return undefined;
  const d = describeWords(b > a ? asBytes : asWords, 'hex-words');
  if (d && b > a) d.notes.push('read the hex as little-endian bytes (xxd order), not as 32-bit words');
  return d;
}

const fieldKey = (name: string) => name.toLowerCase().replace(/\s+/g, '');
const DOM_NAMES = new Set(['dom', 'domid', 'domain']);
const VCPU_NAMES = new Set(['vcpu', 'vcpuid']);
/** The formats file's label where it differs from the emitter's field name. */
const FORMATS_FIELD_NAMES: Readonly<Record<string, string>> = { exitcode: 'exit_reason' };

/**
 * The payload words behind a xentrace_format line when a layout of `info` names the same fields
 * in the same order, each printed whole (`0x%08x`, or 16 digits for a two-word value). The
 * formats file's `dom:vcpu = 0xDDDDVVVV` stands for a packed word (vCPU in bits 0–15) or for a
 * domid word and a vcpuid word (`0x%(1)04x%(2)04x`); both are recognised.
 */
function payloadByNames(info: EventInfo, pairs: readonly { key: string; value: string }[]): number[] | undefined {
  for (const layout of info.layouts) {
    const specs = layout.specs;
    if (!specs || pairs.length === 0) continue;
    const words: number[] = [];
    let at = 0;
    const matches = pairs.every((pair) => {
      const spec = specs[at];
      const next = specs[at + 1];
      const key = fieldKey(pair.key);
      // `prev<domid:edomid> = 0x%(1)08x : 0x%(2)08x`: two words for the two fields named prev_….
      const two = /^0x([0-9a-f]{1,8})\s*:\s*0x([0-9a-f]{1,8})$/i.exec(pair.value);
      if (two) {
        const stem = /^[a-z]+/.exec(key)?.[0];
        if (!stem || !spec || !next || 'bitfields' in spec || 'bitfields' in next || !spec.name.startsWith(stem + '_') || !next.name.startsWith(stem + '_')) return false;
        words.push(parseInt(two[1]!, 16) >>> 0, parseInt(two[2]!, 16) >>> 0);
        at += 2;
        return true;
      }
      const hex = /^0x([0-9a-f]{1,16})$/i.exec(pair.value);
      if (!hex || !spec) return false;
      if (key === 'dom:vcpu' && hex[1]!.length <= 8) {
        const packed = parseInt(hex[1]!, 16) >>> 0;
        if ('bitfields' in spec && spec.bitfields.length === 2 && spec.bitfields.some((b) => DOM_NAMES.has(b.name)) && spec.bitfields.some((b) => VCPU_NAMES.has(b.name))) {
          words.push(packed);
          at += 1;
          return true;
        }
        if (!('bitfields' in spec) && DOM_NAMES.has(spec.name) && next && !('bitfields' in next) && VCPU_NAMES.has(next.name)) {
          words.push(packed >>> 16, packed & 0xffff);
          at += 2;
          return true;
        }
        return false;
      }
      if ('bitfields' in spec || (fieldKey(spec.name) !== key && FORMATS_FIELD_NAMES[key] !== spec.name)) return false;
      at += 1;
      if ((spec.words ?? 1) === 1) {
        if (hex[1]!.length > 8) return false;
        words.push(parseInt(hex[1]!, 16) >>> 0);
      } else {
        const digits = hex[1]!.padStart(16, '0');
        words.push(parseInt(digits.slice(8), 16) >>> 0, parseInt(digits.slice(0, 8), 16) >>> 0);
      }
      return true;
    });
    if (matches && at === specs.length && words.length === layout.words) return words;
  }
  return undefined;
}

function describeXentraceFormat(line: string): RecordDescription | undefined {
  const x = parseXentraceFormatLine(line);
  if (!x) return undefined;
  const unknown = /^unknown \(0x([0-9a-f]+)\)$/i.exec(x.label);
  let ids: readonly number[] | undefined = unknown ? [parseInt(unknown[1]!, 16) & 0x0fffffff] : FORMATS_LABELS[x.label];
  if (!ids) ids = eventIdsByName(x.label);
  if (!ids || ids.length === 0) return undefined;
  // Where one of the candidates' layouts has exactly the line's field names, its values are the
  // payload words: decode them for their meanings (a V1 hypercall's eax → the hypercall's name).
  for (const candidate of x.bare === undefined ? ids : []) {
    const info = lookupEvent(candidate);
    const words = payloadByNames(info, x.pairs);
    if (!words) continue;
    const d = fromInfo('xentrace_format', info, words);
    d.cpu = x.cpu;
    d.tsc = x.tsc === '0' ? undefined : x.tsc;
    d.notes.push(`decoded from the values the line prints: ${x.pairs.map((p) => `${p.key} = ${p.value}`).join(', ')}`);
    return d;
  }
  // A 64-bit rule prints some value with more than 8 hex digits.
  const wide = x.pairs.some((p) => /^0x[0-9a-f]{9,}$/i.test(p.value));
  const id = wide && ids.length > 1 ? ids[1]! : ids[0]!;
  const d = fromInfo('xentrace_format', lookupEvent(id), undefined);
  d.cpu = x.cpu;
  d.tsc = x.tsc === '0' ? undefined : x.tsc;
  if (x.tsc === '0') d.notes.push('xentrace_format prints TSC 0 for records without their own TSC');
  d.fields = x.pairs.map((p) => ({ name: p.key, text: p.value }));
  if (x.bare !== undefined) d.fields.push({ name: 'value', text: x.bare });
  if (id === 0x00082001 || id === 0x00082101)
    d.notes.push('The formats file swapped this record\'s fields: the emitter writes error_code first, then va; "virt" shows the error code and "errorcode" the address.');
  if (id >= 0x00022213 && id <= 0x00022217)
    d.notes.push(`The formats file numbered this rule ${hex32(id - 1)}, one too low; the event at that ID in a real trace is ${lookupEvent(id - 1).name}.`);
  return d;
}

const TRC_SCHED_RUNSTATE_CHANGE = 0x00021001;

function describeXenalyze(line: string): RecordDescription | undefined {
  const x = parseXenalyzeLine(line);
  if (!x) return undefined;
  let d: RecordDescription | undefined;
  if (x.event !== undefined) {
    d = fromInfo('xenalyze', lookupEvent(x.event), x.words);
  } else {
    let id = XENALYZE_KEYWORDS[x.keyword] ?? XENALYZE_SCHED_KEYWORDS[x.keyword.replace(/,$/, '')];
    if (id === undefined && /^csched2?:/.test(x.keyword)) {
      const [sched, ev] = x.keyword.split(':');
      id = eventIdsByName(`TRC_${sched!.toUpperCase()}_${ev!.toUpperCase()}`)[0];
    }
    if (id === undefined) return undefined;
    if (x.is64) id |= 0x100;
    // xenalyze prints a runstate change's states as `old->new`; the hypervisor puts them in the ID.
    const states = id === TRC_SCHED_RUNSTATE_CHANGE ? /\b([a-z]+)->([a-z]+)\b/.exec(x.text) : null;
    if (states && RUNSTATES.includes(states[1]!) && RUNSTATES.includes(states[2]!))
      id |= (RUNSTATES.indexOf(states[1]!) << 8) | (RUNSTATES.indexOf(states[2]!) << 4);
    d = fromInfo('xenalyze', lookupEvent(id), x.words);
    if (!x.words) d.fields = [{ name: 'text', text: x.text }];
  }
  if (x.pcpu !== undefined) d.cpu = x.pcpu;
  if (x.time !== undefined) d.notes.push(`time ${x.time} s since the first TSC (at xenalyze's --cpu-hz, default 2.4 GHz)`);
  if (x.dom !== undefined) d.notes.push(`running on that pCPU: d${x.dom}v${x.vcpu ?? '?'}`);
  return d;
}

function describeDump(line: string): RecordDescription | undefined {
  const dump = parseDumpLine(line);
  if (!dump || dump.bytes.length < 4 || dump.bytes.length % 4 !== 0) return undefined;
  const words: number[] = [];
  for (let k = 0; k < dump.bytes.length; k += 4) words.push(dump.bytes.readUInt32LE(k));
  const d = describeWords(words, dump.kind);
  if (d) d.notes.push(`assuming a record starts at file offset ${dump.offset} (the first byte of this line)`);
  return d;
}

/** The decoded record for one line of trace text, or undefined when the line is none of the renderings. */
export function describeTraceLine(line: string): RecordDescription | undefined {
  if (line.length > 4096) return undefined;
  return describeXentraceFormat(line) ?? describeDump(line) ?? describeXenalyze(line) ?? describeHex(line);
}

/** Markdown for a hover. */
export function descriptionMarkdown(d: RecordDescription): string {
  const lines = [`**${d.name}**${d.is64 ? ' (64-bit variant)' : ''} \`${hex32(d.event)}\``, '', `${d.className} / ${d.subclassName}${d.flags.length ? ' — ' + d.flags.join(', ') : ''}`];
  if (d.cpu !== undefined || d.tsc !== undefined) lines.push('', [d.cpu !== undefined ? `CPU ${d.cpu}` : '', d.tsc !== undefined ? `TSC ${d.tsc}` : ''].filter(Boolean).join(', '));
  if (d.fields.length) {
    lines.push('', '| field | value | meaning |', '|---|---|---|');
    for (const f of d.fields) lines.push(`| ${f.name} | \`${f.text}\` | ${f.meaning ?? ''} |`);
  }
  if (d.rawWords) lines.push('', `words: \`${d.rawWords.map(hex32).join(' ') || '(none)'}\``);
  if (d.versions) lines.push('', `layout: Xen ${d.versions}`);
  for (const n of d.notes) lines.push('', `_${n}_`);
  return lines.join('\n');
}
