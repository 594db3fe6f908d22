// Parsers for the text renderings of trace records a user may hover: xentrace_format lines,
// xenalyze --dump-all lines (and --dump-raw-* lines), pasted hex words, xxd and hexdump -C dumps.
// Every parser is a single regular-expression pass over one line: linear time on any input.

/** A `xentrace_format` line: `CPU0  50475882834000 (+     672)  running_to_blocked  [ dom:vcpu = 0x00000002 ]`. */
export interface XentraceFormatLine {
  cpu: number;
  tsc: string;
  reltsc: number;
  /** The rule's label, e.g. `running_to_blocked`, `VMX_EXIT`, `csched2:runq_pos`. */
  label: string;
  /** `key = value` pairs from the bracket, in order. */
  pairs: { key: string; value: string }[];
  /** A value written after the label without brackets (`lost_records 0x00000005`). */
  bare?: string;
}

const XF_LINE = /^\s*CPU(\d+)\s+(\d+(?:\.\d+)?)\s+\(\+\s*(-?\d*)\)\s+(.*?)\s*$/;

export function parseXentraceFormatLine(line: string): XentraceFormatLine | undefined {
  if (line.length > 4096) return undefined;
  const m = XF_LINE.exec(line);
  if (!m) return undefined;
  const rest = m[4]!;
  const open = rest.indexOf('[');
  const out: XentraceFormatLine = { cpu: Number(m[1]), tsc: m[2]!, reltsc: Number(m[3] || 0), label: '', pairs: [] };
  if (open < 0) {
    const parts = /^(\S+(?:\s\S+)*?)(?:\s+(0x[0-9a-fA-F]+|\d+))?$/.exec(rest);
    out.label = parts ? parts[1]! : rest;
    if (parts?.[2] !== undefined) out.bare = parts[2];
    return out;
  }
  out.label = rest.slice(0, open).trim();
  const close = rest.lastIndexOf(']');
  const inner = rest.slice(open + 1, close < 0 ? undefined : close);
  for (const part of inner.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) {
      if (part.trim()) out.pairs.push({ key: '', value: part.trim() });
      continue;
    }
    out.pairs.push({ key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() });
  }
  return out;
}

/** An `xenalyze --dump-all` record line. */
export interface XenalyzeLine {
  /** ' ', ']' or '!' (see the reference §4.2). */
  prefix: string;
  /** Seconds since the first TSC, as printed, or undefined for the 14-space "time 0". */
  time?: string;
  /** Position of the `x` in the pCPU string = the record's pCPU, when present. */
  pcpu?: number;
  dom?: number;
  vcpu?: number;
  /** The event text after `dXvY`. */
  text: string;
  /** For generic lines `22005(2:2:5) 3 [ a 1 8 ]` and `name[ … ]` lines: the event and words. */
  event?: number;
  words?: number[];
  /** First word of the event text (`vmexit`, `runstate_change`, `csched2:schedule`). */
  keyword: string;
  is64?: boolean;
}

// Anchor on the time and the dXvY field; the pCPU string may contain spaces (reference §4.4).
const XA_LINE = /(?:([ \]!])|^)\s{0,3}(?:(\d+\.\d{9})|\s{14}) ([x|\-. l0-9]*?) ?d(\d+|\?)v(\d+|\?)\s+(\S.*)$/;
// Lines without the dXvY field (pf_inject, inj_exc, "lost_records end"): greedy pCPU string.
const XA_LINE_NO_VCPU = /(?:([ \]!])|^)\s{0,3}(?:(\d+\.\d{9})|\s{14}) ([x|\-. l0-9]*[x|\-l0-9]) ()()([a-z_].*)$/;
const XA_GENERIC = /^\s*([0-9a-f]{1,7})\(([0-9a-f]+):([0-9a-f]+):([0-9a-f]+)\)\s+(\d+)\s+\[\s*([0-9a-f ]*?)\s*\]/i;
const XA_NAMED_WORDS = /^([a-z_0-9:]+?)(64)?\s?\[\s*([0-9a-f ]*?)\s*\]/i;

export function parseXenalyzeLine(line: string): XenalyzeLine | undefined {
  if (line.length > 4096) return undefined;
  const m = XA_LINE.exec(line) ?? XA_LINE_NO_VCPU.exec(line);
  if (!m) return undefined;
  const pcpuString = m[3] ?? '';
  const x = pcpuString.indexOf('x');
  const out: XenalyzeLine = { prefix: m[1] ?? ' ', text: m[6]!, keyword: m[6]!.split(/[\s[]/)[0] ?? '' };
  if (m[2] !== undefined) out.time = m[2];
  if (x >= 0) out.pcpu = x;
  if (m[4] && m[4] !== '?') out.dom = Number(m[4]);
  if (m[5] && m[5] !== '?') out.vcpu = Number(m[5]);
  const g = XA_GENERIC.exec(out.text);
  if (g) {
    out.event = parseInt(g[1]!, 16);
    out.words = g[6]!.trim() === '' ? [] : g[6]!.trim().split(/\s+/).map((w) => parseInt(w, 16) >>> 0);
    return out;
  }
  const n = XA_NAMED_WORDS.exec(out.text);
  if (n) {
    out.keyword = n[1]!;
    if (n[2]) out.is64 = true;
    out.words = n[3]!.trim() === '' ? [] : n[3]!.trim().split(/\s+/).map((w) => parseInt(w, 16) >>> 0);
  }
  return out;
}

/** Hex words as pasted: `b0081102 4e6dc8e7 00002de8 00000007`, `0x2001f003, 0x0`, od -t x4 lines. */
export function parseHexWords(text: string): string[] | undefined {
  if (text.length > 8192) return undefined;
  const tokens = text.trim().split(/[\s,]+/).filter((t) => t !== '' && t !== '|');
  // `od -t x4` starts each line with a 7-digit octal offset.
  if (tokens.length > 1 && /^[0-7]{7}$/.test(tokens[0]!)) tokens.shift();
  if (tokens.length === 0) return undefined;
  const out: string[] = [];
  for (const t of tokens) {
    const m = /^(?:0x)?([0-9a-f]+)$/i.exec(t);
    if (!m || m[1]!.length % 8 !== 0) return undefined;
    for (let k = 0; k < m[1]!.length; k += 8) out.push(m[1]!.slice(k, k + 8).toLowerCase());
  }
  return out;
}

/** A line of a byte dump: its file offset and bytes. */
export interface DumpLine {
  kind: 'xxd' | 'hexdump';
  offset: number;
  bytes: Buffer;
}

const XXD = /^([0-9a-f]{8,16}): ((?:[0-9a-f]{2,4} ?){1,16})(?:\s\s.*)?$/i;
const HEXDUMP_C = /^([0-9a-f]{8,16})((?:\s{1,2}[0-9a-f]{2}){1,16})\s+\|.*\|\s*$/i;

export function parseDumpLine(line: string): DumpLine | undefined {
  if (line.length > 4096) return undefined;
  const h = HEXDUMP_C.exec(line);
  if (h) return { kind: 'hexdump', offset: parseInt(h[1]!, 16), bytes: Buffer.from(h[2]!.replace(/\s+/g, ''), 'hex') };
  const x = XXD.exec(line);
  if (x) {
    const hex = x[2]!.replace(/\s+/g, '');
    if (hex.length % 2 !== 0) return undefined;
    return { kind: 'xxd', offset: parseInt(x[1]!, 16), bytes: Buffer.from(hex, 'hex') };
  }
  return undefined;
}

/** Joins consecutive dump lines into one byte run (stops at a gap or a non-dump line). */
export function bytesFromDump(lines: readonly string[]): { offset: number; bytes: Buffer } | undefined {
  const parts: Buffer[] = [];
  let start = -1;
  let next = -1;
  for (const line of lines) {
    const d = parseDumpLine(line);
    if (!d) {
      if (start >= 0) break;
      continue;
    }
    if (start < 0) start = next = d.offset;
    if (d.offset !== next) break;
    parts.push(d.bytes);
    next += d.bytes.length;
  }
  return start < 0 ? undefined : { offset: start, bytes: Buffer.concat(parts) };
}
