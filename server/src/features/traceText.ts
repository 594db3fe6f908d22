// Features for `xentrace` documents (text renderings of traces: xentrace_format, xenalyze
// --dump-all, pasted record words, hexdumps): hover decodes the record on a line, problems flag
// record lines that do not decode, the outline groups runs of lines by CPU, and inlay hints name
// raw event IDs.
import { DiagnosticSeverity, InlayHintKind, SymbolKind, type Diagnostic, type DocumentSymbol, type Hover, type InlayHint } from 'vscode-languageserver/node';
import { lookupEvent } from '../core/xentrace/catalogue';
import { describeTraceLine, descriptionMarkdown } from '../core/xentrace/describe';
import { parseHexWords } from '../core/xentrace/textLines';

/** Per line: the CPU it names (-1 none) and whether it decoded. */
export interface TraceTextAnalysis {
  languageId: 'xentrace';
  version: number;
  cpu: Int32Array;
  status: Uint8Array;
}

export const LineStatus = { blank: 0, record: 1, unknownEvent: 2, undecodable: 3 } as const;

/** Lines that claim to be records: `CPUn …`, xenalyze's `]`/`!`/`x` prefixes with a time, hex words, dumps. */
const RECORD_LIKE = /^\s*(?:CPU\d+\s|[\]!]?\s*\d+\.\d{6,9}\s|[0-9a-f]{7,8}:?\s|0x[0-9a-f]{8}\b)/i;
const MAX_SYMBOLS = 5000;

export function analyseTraceText(text: string, version: number): TraceTextAnalysis {
  const lines = text.split('\n');
  const cpu = new Int32Array(lines.length).fill(-1);
  const status = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.startsWith('#')) continue;
    const d = describeTraceLine(line.endsWith('\r') ? line.slice(0, -1) : line);
    if (d) {
      status[i] = d.known ? LineStatus.record : LineStatus.unknownEvent;
      if (d.cpu !== undefined) cpu[i] = d.cpu;
    } else if (RECORD_LIKE.test(line)) {
      status[i] = LineStatus.undecodable;
    }
  }
  return { languageId: 'xentrace', version, cpu, status };
}

export function traceTextHover(lineText: string, line: number): Hover | null {
  const d = describeTraceLine(lineText);
  if (!d) return null;
  return {
    contents: { kind: 'markdown', value: descriptionMarkdown(d) },
    range: { start: { line, character: 0 }, end: { line, character: lineText.length } },
  };
}

export function traceTextDiagnostics(a: TraceTextAnalysis, lineLength: (line: number) => number): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (let i = 0; i < a.status.length; i++) {
    const s = a.status[i];
    if (s !== LineStatus.undecodable && s !== LineStatus.unknownEvent) continue;
    out.push({
      range: { start: { line: i, character: 0 }, end: { line: i, character: lineLength(i) } },
      severity: s === LineStatus.undecodable ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      source: 'xenscope',
      code: s === LineStatus.undecodable ? 'undecodable-record' : 'unknown-event',
      message: s === LineStatus.undecodable ? 'this line looks like a trace record but does not decode in any known rendering' : 'unknown event ID: decoded as class/subclass/minor with raw words only',
    });
  }
  return out;
}

/** Runs of consecutive record lines on one CPU. */
export function traceTextSymbols(a: TraceTextAnalysis, lineLength: (line: number) => number): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  let start = -1;
  let current = -1;
  let records = 0;
  let last = -1;
  const flush = () => {
    if (start < 0 || out.length >= MAX_SYMBOLS) return;
    const range = { start: { line: start, character: 0 }, end: { line: last, character: lineLength(last) } };
    out.push({ name: `CPU${current}`, detail: `${records} record${records === 1 ? '' : 's'}, lines ${start + 1}–${last + 1}`, kind: SymbolKind.Namespace, range, selectionRange: { start: range.start, end: range.start } });
  };
  for (let i = 0; i < a.cpu.length; i++) {
    const c = a.cpu[i];
    if (c < 0) continue;
    if (c !== current) {
      flush();
      start = i;
      current = c;
      records = 0;
    }
    records++;
    last = i;
  }
  flush();
  return out;
}

/** The event name after the first word of a line of pasted record words (`0x0020100d` → TRC_PV_HYPERCALL_V2). */
export function traceTextInlayHints(lineAt: (line: number) => string, from: number, to: number): InlayHint[] {
  const out: InlayHint[] = [];
  for (let i = from; i <= to; i++) {
    const text = lineAt(i);
    if (!parseHexWords(text)) continue;
    const m = /^\s*(?:0x)?([0-9a-f]{8})\b/i.exec(text);
    if (!m) continue;
    const info = lookupEvent(parseInt(m[1], 16) >>> 0);
    if (!info.known) continue;
    out.push({ position: { line: i, character: m.index + m[0].length }, label: ` ${info.name}`, kind: InlayHintKind.Type, paddingLeft: true });
  }
  return out;
}
