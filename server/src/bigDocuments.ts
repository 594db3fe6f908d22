// Open documents whose text arrived as Utf8Text (transport/streamReader.ts: the strings of big
// messages) are kept as those bytes, with an index of line starts, and decoded a line at a time
// for the features that read text. Positions are LSP positions (UTF-16 code units within a line,
// lines ended by \n, \r\n or \r) and agree with vscode-languageserver-textdocument's
// TextDocument, which keeps every other document.
import type { TextDocumentsConfiguration } from 'vscode-languageserver/node';
import { TextDocument, type Position, type Range, type TextDocumentContentChangeEvent } from 'vscode-languageserver-textdocument';
import { isUtf8Text, Utf8Text } from './core/text/utf8Text';

const LF = 0x0a, CR = 0x0d;
const isEol = (c: number) => c === LF || c === CR;

export class Utf8TextDocument implements TextDocument {
  /** Byte offset of each line's start. */
  private starts: Uint32Array | Float64Array | undefined;
  /** UTF-16 offset of each line's start, for offsetAt/positionAt (built when first asked). */
  private utf16Starts: Float64Array | undefined;

  constructor(
    readonly uri: string,
    readonly languageId: string,
    readonly version: number,
    readonly text: Utf8Text,
  ) {}

  get byteLength(): number {
    return this.text.bytes.length;
  }

  get lineCount(): number {
    return this.lineStarts().length;
  }

  getText(range?: Range): string {
    if (!range) return this.text.toString();
    return this.text.bytes.toString('utf8', this.byteOffsetAt(range.start), this.byteOffsetAt(range.end));
  }

  /** Line `line` with its line break (empty past the end). */
  private rawLine(line: number): { start: number; text: string } {
    const starts = this.lineStarts();
    const start = starts[line]!;
    const end = line + 1 < starts.length ? starts[line + 1]! : this.byteLength;
    return { start, text: this.text.bytes.toString('utf8', start, end) };
  }

  /** The UTF-16 length of `line` before its line break. */
  private contentLength(text: string): number {
    let k = text.length;
    while (k > 0 && isEol(text.charCodeAt(k - 1))) k--;
    return k;
  }

  /** Characters into a line, clamped as TextDocument clamps them (never inside the line break). */
  private clampCharacter(position: Position): { line: number; character: number; raw: { start: number; text: string } } | undefined {
    if (position.line < 0 || position.line >= this.lineCount) return undefined;
    const raw = this.rawLine(position.line);
    let character = Math.max(0, Math.min(position.character, raw.text.length));
    while (character > 0 && isEol(raw.text.charCodeAt(character - 1))) character--;
    return { line: position.line, character, raw };
  }

  private byteOffsetAt(position: Position): number {
    if (position.line >= this.lineCount) return this.byteLength;
    const at = this.clampCharacter(position);
    if (!at) return 0;
    return at.raw.start + Buffer.byteLength(at.raw.text.slice(0, at.character));
  }

  offsetAt(position: Position): number {
    const utf16 = this.lineUtf16Starts();
    if (position.line >= utf16.length) return utf16[utf16.length - 1]! + this.utf16LengthOfLastLine();
    const at = this.clampCharacter(position);
    return at ? utf16[at.line]! + at.character : 0;
  }

  positionAt(offset: number): Position {
    const utf16 = this.lineUtf16Starts();
    const total = utf16[utf16.length - 1]! + this.utf16LengthOfLastLine();
    offset = Math.max(0, Math.min(offset, total));
    let lo = 0;
    let hi = utf16.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (utf16[mid]! > offset) hi = mid;
      else lo = mid + 1;
    }
    const line = lo - 1;
    const raw = this.rawLine(line);
    let character = offset - utf16[line]!;
    while (character > 0 && isEol(raw.text.charCodeAt(character - 1))) character--;
    return { line, character };
  }

  getLineRange(line: number): Range {
    const count = this.lineCount;
    if (line < 0) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    if (line >= count) {
      const last = count - 1;
      return { start: { line: last, character: 0 }, end: { line: last, character: this.rawLine(last).text.length } };
    }
    return { start: { line, character: 0 }, end: { line, character: this.contentLength(this.rawLine(line).text) } };
  }

  getEOLCharacters(line: number): string {
    if (line < 0 || line >= this.lineCount) return '';
    const text = this.rawLine(line).text;
    return text.slice(this.contentLength(text));
  }

  private utf16LengthOfLastLine(): number {
    return this.rawLine(this.lineCount - 1).text.length;
  }

  private lineStarts(): Uint32Array | Float64Array {
    this.starts ??= lineStartsOf(this.text.bytes);
    return this.starts;
  }

  private lineUtf16Starts(): Float64Array {
    if (this.utf16Starts) return this.utf16Starts;
    const starts = this.lineStarts();
    const b = this.text.bytes;
    const out = new Float64Array(starts.length);
    let units = 0;
    let line = 1;
    for (let i = 0; i < b.length; i++) {
      while (line < starts.length && starts[line] === i) out[line++] = units;
      const c = b[i]!;
      // A UTF-8 sequence is one UTF-16 unit, two for a 4-byte one (a surrogate pair).
      if ((c & 0xc0) !== 0x80) units += c >= 0xf0 ? 2 : 1;
    }
    while (line < starts.length) out[line++] = units;
    this.utf16Starts = out;
    return out;
  }
}

/**
 * Byte offsets where lines start: 0, and after every \n, \r\n and lone \r. Counted first, so the
 * array is allocated once at its size (32-bit offsets unless the text passes 4 GiB).
 */
export function lineStartsOf(b: Buffer): Uint32Array | Float64Array {
  const hasCr = b.indexOf(CR) >= 0;
  const each = (visit: (start: number) => void) => {
    visit(0);
    if (!hasCr) {
      // The usual case: memchr from one \n to the next.
      for (let at = b.indexOf(LF); at >= 0; at = b.indexOf(LF, at + 1)) visit(at + 1);
      return;
    }
    for (let i = 0; i < b.length; i++) {
      const c = b[i]!;
      if (c === LF) visit(i + 1);
      else if (c === CR) {
        if (b[i + 1] === LF) i++;
        visit(i + 1);
      }
    }
  };
  let count = 0;
  each(() => count++);
  const starts = b.length < 2 ** 32 ? new Uint32Array(count) : new Float64Array(count);
  let n = 0;
  each((start) => (starts[n++] = start));
  return starts;
}

/** A change's text as a string (big messages may carry Utf8Text). */
function changeAsString(change: TextDocumentContentChangeEvent): TextDocumentContentChangeEvent {
  const text: unknown = change.text;
  return isUtf8Text(text) ? { ...change, text: text.toString() } : change;
}

export type OpenDocument = TextDocument | Utf8TextDocument;

/**
 * For TextDocuments: a document whose text arrived as Utf8Text stays bytes; edits to it are applied
 * on the whole string (rare on such files) and the result is kept as bytes again.
 */
export const openDocuments: TextDocumentsConfiguration<TextDocument> = {
  create(uri, languageId, version, content) {
    const text: unknown = content;
    return isUtf8Text(text) ? new Utf8TextDocument(uri, languageId, version, text) : TextDocument.create(uri, languageId, version, content);
  },
  update(document, changes, version) {
    if (!(document instanceof Utf8TextDocument)) return TextDocument.update(document, changes.map(changeAsString), version);
    const whole = changes.length === 1 && !('range' in changes[0]!) ? (changes[0]!.text as unknown) : undefined;
    if (isUtf8Text(whole)) return new Utf8TextDocument(document.uri, document.languageId, version, whole);
    const edited = TextDocument.update(TextDocument.create(document.uri, document.languageId, document.version, document.getText()), changes.map(changeAsString), version);
    return new Utf8TextDocument(document.uri, document.languageId, version, new Utf8Text(Buffer.from(edited.getText(), 'utf8')));
  },
};
