// Parses each open document once per version and keeps the result until the next edit: every
// feature (hover, symbols, diagnostics, …) reads the same analysis.
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { parseLog, stackGroups, type ParsedLog, type StackGroup } from './core/oops';
import { parseLogBytes } from './core/oops/logFile';
import { analyseTraceText, type TraceTextAnalysis } from './features/traceText';
import { Utf8TextDocument } from './bigDocuments';
import { collectBeforeParse, GarbageBound } from './memory';

export interface KernelLogAnalysis {
  languageId: 'kernel-log';
  version: number;
  log: ParsedLog;
  /** Reports of each stack group, by group index. */
  groups: StackGroup[];
  parseMs: number;
}

export interface OtherAnalysis {
  languageId: string;
  version: number;
}

export type Analysis = KernelLogAnalysis | TraceTextAnalysis | OtherAnalysis;

export function isKernelLog(a: Analysis): a is KernelLogAnalysis {
  return a.languageId === 'kernel-log';
}

export function isTraceText(a: Analysis): a is TraceTextAnalysis {
  return a.languageId === 'xentrace';
}

export class DocumentAnalyses {
  private readonly cache = new Map<string, Analysis>();

  get(document: TextDocument): Analysis {
    const cached = this.cache.get(document.uri);
    if (cached && cached.version === document.version && cached.languageId === document.languageId) return cached;
    const analysis = analyse(document);
    this.cache.set(document.uri, analysis);
    return analysis;
  }

  /** The analysis if it is already computed for this version (never parses). */
  peek(document: TextDocument): Analysis | undefined {
    const cached = this.cache.get(document.uri);
    return cached && cached.version === document.version ? cached : undefined;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  *all(): Iterable<[string, Analysis]> {
    yield* this.cache;
  }
}

/** Logs longer than this get their first problems from their first MB while the whole log parses. */
export const PREFIX_FIRST_CHARS = 16 << 20;
export const PREFIX_CHARS = 1 << 20;

/**
 * A first look at a big log: the reports in its first `chars` characters (cut at a line end),
 * without the last one, which may run on past the cut. The first problems show while the rest
 * parses.
 */
export function analyseKernelLogPrefix(text: string, chars: number, version: number): KernelLogAnalysis {
  const cut = text.lastIndexOf('\n', chars);
  return kernelLogAnalysis(text.slice(0, cut + 1), version, (log) => log.reports.pop());
}

/**
 * A kernel log's analysis from its whole text (open documents, and logs read from disk). Every
 * whole-log parse comes here, whichever request asks first (problems, outline, a hover).
 */
export function analyseKernelLog(text: string, version: number): KernelLogAnalysis {
  collectBeforeParse(text.length);
  return kernelLogAnalysis(text, version);
}

/** Parses `text` (`adjust` may drop reports before they are grouped) and groups its stacks. */
function kernelLogAnalysis(text: string, version: number, adjust?: (log: ParsedLog) => void): KernelLogAnalysis {
  const started = performance.now();
  const log = parseLog(text);
  adjust?.(log);
  return analysisOfLog(log, version, started);
}

/** The analysis of a parsed log (parsing began at `started`, a performance.now() time). */
export function analysisOfLog(log: ParsedLog, version: number, started: number): KernelLogAnalysis {
  return { languageId: 'kernel-log', version, log, groups: stackGroups(log.reports), parseMs: performance.now() - started };
}

/** A log held as UTF-8 bytes, parsed a piece at a time (its text is never one string). */
export function analyseKernelLogBytes(bytes: Buffer, version: number): KernelLogAnalysis {
  const started = performance.now();
  const garbage = new GarbageBound(32 << 20);
  const analysis = analysisOfLog(parseLogBytes(bytes, { afterPiece: () => garbage.check() }), version, started);
  garbage.collect();
  return analysis;
}

/**
 * For a big log, a first look: the reports of its first MB without the last (it may run on), to
 * publish while the whole log parses. Undefined for logs parsed in one go.
 */
export function firstLook(document: TextDocument): KernelLogAnalysis | undefined {
  if (document instanceof Utf8TextDocument) {
    if (document.byteLength <= PREFIX_FIRST_CHARS) return undefined;
    const bytes = document.text.bytes;
    const cut = bytes.lastIndexOf(0x0a, PREFIX_CHARS) + 1;
    return analyseKernelLogPrefix(bytes.toString('utf8', 0, cut), cut, document.version);
  }
  const text = document.getText();
  return text.length > PREFIX_FIRST_CHARS ? analyseKernelLogPrefix(text, PREFIX_CHARS, document.version) : undefined;
}

function analyse(document: TextDocument): Analysis {
  if (document.languageId === 'kernel-log') {
    if (document instanceof Utf8TextDocument) return analyseKernelLogBytes(document.text.bytes, document.version);
    return analyseKernelLog(document.getText(), document.version);
  }
  if (document.languageId === 'xentrace') return analyseTraceText(document.getText(), document.version);
  return { languageId: document.languageId, version: document.version };
}

/** The text of one line without its end-of-line characters. */
export function lineText(document: TextDocument, line: number): string {
  const text = document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
  return text.replace(/\r?\n$/, '');
}
