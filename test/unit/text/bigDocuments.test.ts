import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lineStartsOf, openDocuments, Utf8TextDocument } from '../../../server/src/bigDocuments';
import { Utf8Text } from '../../../server/src/core/text/utf8Text';

// The oracle is vscode-languageserver-textdocument's TextDocument, which keeps every other open
// document: a document kept as UTF-8 bytes must answer every question the same way.

const piece = fc.constantFrom('a', 'bc', ' ', 'é', '│', '😀', '\n', '\r\n', '\r', '\t', '\n\n');
const documentText = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));

function both(text: string) {
  return {
    bytes: new Utf8TextDocument('file:///x.log', 'kernel-log', 1, new Utf8Text(Buffer.from(text, 'utf8'))),
    string: TextDocument.create('file:///x.log', 'kernel-log', 1, text),
  };
}

describe('Utf8TextDocument', () => {
  it('agrees with TextDocument on lines, ranges, offsets and positions', () => {
    fc.assert(
      fc.property(documentText, fc.array(fc.tuple(fc.integer({ min: -1, max: 12 }), fc.integer({ min: -1, max: 20 })), { minLength: 2, maxLength: 8 }), (text, points) => {
        const { bytes, string } = both(text);
        assert.equal(bytes.lineCount, string.lineCount);
        assert.equal(bytes.getText(), string.getText());
        for (let line = -1; line <= string.lineCount; line++) {
          assert.deepEqual(bytes.getLineRange(line), string.getLineRange(line), `line range ${line}`);
          assert.equal(bytes.getEOLCharacters(line), string.getEOLCharacters(line), `EOL ${line}`);
        }
        for (let offset = -1; offset <= text.length + 1; offset++) assert.deepEqual(bytes.positionAt(offset), string.positionAt(offset), `positionAt ${offset}`);
        const positions = points.map(([line, character]) => ({ line, character }));
        for (const p of positions) assert.equal(bytes.offsetAt(p), string.offsetAt(p), `offsetAt ${JSON.stringify(p)}`);
        for (let k = 1; k < positions.length; k++) {
          // Positions that split a surrogate pair have no UTF-8 form: skip those ranges.
          const [a, b] = [string.offsetAt(positions[k - 1]!), string.offsetAt(positions[k]!)];
          const splits = (o: number) => o > 0 && /[\ud800-\udbff]/.test(text[o - 1]!) && /[\udc00-\udfff]/.test(text[o] ?? '');
          if (splits(a) || splits(b) || a > b) continue;
          const range = { start: positions[k - 1]!, end: positions[k]! };
          assert.equal(bytes.getText(range), string.getText(range), `getText ${JSON.stringify(range)}`);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('finds line starts after \\n, \\r\\n and a lone \\r, in 32-bit offsets', () => {
    const starts = lineStartsOf(Buffer.from('a\nb\r\nc\rd\n\r\n', 'latin1'));
    assert.ok(starts instanceof Uint32Array);
    assert.deepEqual([...starts], [0, 2, 5, 7, 9, 11]);
    assert.deepEqual([...lineStartsOf(Buffer.from('no break'))], [0]);
    assert.deepEqual([...lineStartsOf(Buffer.alloc(0))], [0]);
  });

  it('applies edits as TextDocument does and stays bytes', () => {
    const edit = fc.record({
      start: fc.record({ line: fc.integer({ min: 0, max: 8 }), character: fc.integer({ min: 0, max: 8 }) }),
      length: fc.integer({ min: 0, max: 10 }),
      text: fc.array(piece, { maxLength: 4 }).map((p) => p.join('')),
    });
    fc.assert(
      fc.property(documentText, fc.array(edit, { minLength: 1, maxLength: 3 }), (text, edits) => {
        let { bytes, string } = both(text);
        for (const [k, e] of edits.entries()) {
          const from = string.offsetAt(e.start);
          const range = { start: string.positionAt(from), end: string.positionAt(Math.min(from + e.length, string.getText().length)) };
          const changes = [{ range, text: e.text }];
          string = TextDocument.update(string, changes, k + 2);
          const next = openDocuments.update(bytes, changes, k + 2);
          assert.ok(next instanceof Utf8TextDocument);
          bytes = next;
        }
        // An edit may split a surrogate pair: UTF-8 has no lone surrogates and keeps U+FFFD, one
        // UTF-16 unit as well, so positions after it still agree.
        assert.equal(bytes.getText(), Buffer.from(string.getText(), 'utf8').toString('utf8'));
        assert.equal(bytes.version, string.version);
        assert.equal(bytes.lineCount, string.lineCount);
      }),
      { numRuns: 300 },
    );
  });

  it('opens a document as bytes only when its text came as bytes', () => {
    const fromBytes = openDocuments.create('file:///a', 'kernel-log', 1, new Utf8Text(Buffer.from('x\n')) as unknown as string);
    assert.ok(fromBytes instanceof Utf8TextDocument);
    const fromString = openDocuments.create('file:///a', 'kernel-log', 1, 'x\n');
    assert.ok(!(fromString instanceof Utf8TextDocument));
    // A whole-text change that came as bytes replaces the bytes without making a string.
    const replaced = openDocuments.update(fromBytes, [{ text: new Utf8Text(Buffer.from('y\nz')) as unknown as string }], 2);
    assert.ok(replaced instanceof Utf8TextDocument);
    assert.equal(replaced.getText(), 'y\nz');
    // …and a string document given bytes in a change gets their text.
    const updated = openDocuments.update(fromString, [{ text: new Utf8Text(Buffer.from('w')) as unknown as string }], 2);
    assert.equal(updated.getText(), 'w');
  });
});
