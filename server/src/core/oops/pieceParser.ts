// A log too big to hold as one string (a file read in chunks) parses piece by piece to the same
// ParsedLog as parseLog over its whole text. Each piece is cut at a line end and parsed on its
// own; what a later line may still change is parsed again with the next piece: a report left
// open, a `cut here` line waiting for its headline, and a report a `Kernel panic` line just after
// it would extend. Parsing again from such a report's first line starts from the state the whole
// parse had there (starting a report closes the one before), so nothing else carries over.
import type { Frame } from './frames';
import {
  binaryEvidence, finishLog, longLineDiagnostic, looksReversed, maxParsedLine, parseLineRange, parseLog, splitLines,
  type LogDiagnostic, type ParseOptions, type ParsedLog, type Report,
} from './reports';

/** How far after a closed report a secondary `Kernel panic - not syncing` line still extends it. */
const PANIC_REACH = 3;
/** `binaryEvidence` looks at this much of the log's beginning. */
const HEAD_CHARS = 65536;
/** An unfinished line longer than this is skipped as it arrives (the parser skips it anyway). */
const LONG_LINE_CHARS = 1 << 20;

export interface PieceParserOptions extends ParseOptions {
  /** Characters of complete lines gathered before a piece is parsed. */
  pieceChars?: number;
  /** The first piece's size (smaller: its reports are the first problems a user sees). */
  firstPieceChars?: number;
}

export class LogPieceParser {
  /** Complete lines not parsed yet (the carried lines first), from line `bodyLine` on. */
  private body = '';
  private bodyLine = 0;
  /** The unfinished last line. */
  private tail = '';
  /** A line too long to keep, while it goes by: its number and length so far. */
  private skipping: { line: number; chars: number } | undefined;
  private readonly reports: Report[] = [];
  private readonly frames: Frame[] = [];
  private readonly diagnostics: LogDiagnostic[] = [];
  private head = '';
  /** Decided on the first piece; a newest-first log is kept whole and parsed at the end. */
  private reversed: boolean | undefined;
  private whole: string[] | undefined;
  /** Length of the body's carried lines after the last parse (a piece is that much more). */
  private carried = 0;
  /** One owned copy of each string kept: a substring of a piece would keep the whole piece alive. */
  private readonly owned = new Map<string, string>();
  private readonly own = <T extends string | undefined>(s: T): T => {
    if (s === undefined) return s;
    let copy = this.owned.get(s);
    if (copy === undefined) {
      // Concatenation then slice makes V8 copy the characters into a string of its own.
      copy = (' ' + s).slice(1);
      this.owned.set(copy, copy);
    }
    return copy as T;
  };
  private readonly maxLine: number;
  private readonly pieceChars: number;
  private readonly firstPieceChars: number;

  constructor(private readonly options: PieceParserOptions = {}) {
    this.maxLine = maxParsedLine(options);
    this.pieceChars = Math.max(1, options.pieceChars ?? 4 << 20);
    this.firstPieceChars = Math.max(1, options.firstPieceChars ?? 1 << 20);
  }

  /** The analysis of the settled reports alone (a first look while the rest is read). */
  snapshot(): ParsedLog {
    const reports = [...this.reports];
    const diagnostics = [...this.diagnostics].sort((a, b) => a.line - b.line);
    const lineCount = reports.length > 0 ? reports[reports.length - 1]!.endLine + 1 : 0;
    return finishLog({ reports, frames: [...this.frames], diagnostics }, { lineCount, reversed: false, binary: binaryEvidence(this.head) });
  }

  /** Adds the next characters of the log (cut anywhere). Returns true when a piece was parsed. */
  push(text: string): boolean {
    if (this.head.length < HEAD_CHARS) this.head += text.slice(0, HEAD_CHARS - this.head.length);
    if (this.whole) {
      this.whole.push(text);
      return false;
    }
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl < 0) {
        this.skipping.chars += text.length;
        return false;
      }
      this.endSkip(this.skipping.chars + nl);
      text = text.slice(nl + 1);
    }
    const nl = text.lastIndexOf('\n');
    if (nl < 0) {
      this.tail += text;
    } else {
      this.body += this.tail + text.slice(0, nl + 1);
      this.tail = text.slice(nl + 1);
    }
    if (this.tail.length > LONG_LINE_CHARS) {
      this.skipping = { line: this.bodyLine + countLines(this.body), chars: this.tail.length };
      this.tail = '';
    }
    const want = this.reversed === undefined ? this.firstPieceChars : this.pieceChars;
    if (this.body.length - this.carried < want) return false;
    this.parseBody(false);
    return true;
  }

  /** The whole log's analysis, once every piece is in. */
  end(): ParsedLog {
    if (this.whole) return this.parseWhole();
    if (this.skipping) {
      // The log ends inside the long line: it is the last line, held by a blank stand-in.
      this.endSkip(this.skipping.chars);
      this.body = this.body.slice(0, -1) + ' ';
    } else {
      this.body += this.tail;
    }
    this.tail = '';
    let lineCount = this.bodyLine;
    if (this.body !== '' || this.bodyLine === 0) {
      lineCount = this.parseBody(true);
      if (lineCount < 0) return this.parseWhole();
    }
    this.diagnostics.sort((a, b) => a.line - b.line);
    return finishLog({ reports: this.reports, frames: this.frames, diagnostics: this.diagnostics }, { lineCount, reversed: false, binary: binaryEvidence(this.head) });
  }

  /** A newest-first log, parsed whole (with the warnings for lines skipped before that was known). */
  private parseWhole(): ParsedLog {
    const log = parseLog(this.whole!.join(''), this.options);
    log.diagnostics.unshift(...this.diagnostics);
    return log;
  }

  /** A skipped line ended after `length` characters: warn as the parser would and keep a blank line in its place. */
  private endSkip(length: number): void {
    this.diagnostics.push(longLineDiagnostic(this.skipping!.line, length, this.maxLine));
    this.skipping = undefined;
    this.body += this.tail + '\n';
    this.tail = '';
  }

  /**
   * Parses the body; keeps what later lines cannot change, carries the rest. Returns the line
   * count so far, or -1 when the log turned out newest-first.
   */
  private parseBody(final: boolean): number {
    const text = this.body;
    const starts = splitLines(text);
    if (this.reversed === undefined) {
      this.reversed = looksReversed(text, starts, starts.length - 1);
      if (this.reversed) {
        // Newest-first logs are read bottom-up: they are parsed whole.
        this.whole = [text, this.tail];
        this.body = this.tail = '';
        return -1;
      }
    }
    const end = this.bodyLine + starts.length - 1;
    const parse = parseLineRange(text, starts, this.bodyLine, false, this.options);
    let carryFrom = end;
    if (!final) {
      const last = parse.reports[parse.reports.length - 1];
      if (last && (parse.openAtEnd || end - last.endLine <= PANIC_REACH)) carryFrom = last.line;
      else if (parse.pendingCutHere >= 0) carryFrom = parse.pendingCutHere;
    }
    for (const r of parse.reports) if (r.line < carryFrom) this.reports.push(this.ownReport(r));
    for (const f of parse.frames) if (f.line < carryFrom) this.frames.push(this.ownFrame(f));
    for (const d of parse.diagnostics) if (d.line < carryFrom) this.diagnostics.push(d);
    this.body = carryFrom < end ? text.slice(starts[carryFrom - this.bodyLine]) : '';
    this.bodyLine = carryFrom;
    this.carried = this.body.length;
    return end;
  }

  /** `r` with its strings owned (kept reports must not hold substrings of a piece). */
  private ownReport(r: Report): Report {
    const own = this.own;
    r.title = own(r.title);
    r.comm = own(r.comm);
    r.version = own(r.version);
    r.taint = own(r.taint);
    if (r.code) r.code.text = own(r.code.text);
    for (const reg of r.registers) reg.name = own(reg.name);
    for (const b of r.blocks) b.context = own(b.context);
    return r;
  }

  /** `f` with its strings owned; only fields that are set (the rarer ones are absent, not undefined: see Frame). */
  private ownFrame(f: Frame): Frame {
    const own = this.own;
    if (f.symbol !== undefined) f.symbol = own(f.symbol);
    if (f.module !== undefined) f.module = own(f.module);
    if (f.buildId !== undefined) f.buildId = own(f.buildId);
    if (f.register !== undefined) f.register = own(f.register);
    if (f.xenMarker !== undefined) f.xenMarker = own(f.xenMarker);
    if (f.sourceFile !== undefined) f.sourceFile = own(f.sourceFile);
    f.context = own(f.context);
    return f;
  }
}

function countLines(text: string): number {
  let n = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) n++;
  return n;
}
