import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { JsonBytesError, parseJsonBytes } from '../../../server/src/core/text/jsonBytes';
import { isUtf8Text, materialize } from '../../../server/src/core/text/utf8Text';

// The oracle is JSON.parse. Strings at or over the threshold come back as Utf8Text (UTF-8 bytes);
// turned back into strings they must equal JSON.parse's, except that a lone surrogate cannot be
// UTF-8 and becomes U+FFFD, as Buffer.from(string) makes it.
const asUtf8 = (s: string) => Buffer.from(s, 'utf8').toString('utf8');

function viaUtf8(value: unknown): unknown {
  if (typeof value === 'string') return asUtf8(value);
  if (Array.isArray(value)) return value.map(viaUtf8);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, viaUtf8(v)]));
  return value;
}

function parseBoth(json: string, bigStringBytes: number): { actual: unknown; expected: unknown; bigs: number } {
  let bigs = 0;
  const parsed = parseJsonBytes(Buffer.from(json, 'utf8'), { bigStringBytes });
  const actual = materialize(parsed, () => {
    bigs++;
    return false;
  });
  return { actual: viaUtf8(actual), expected: viaUtf8(JSON.parse(json)), bigs };
}

const text = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', '"', '\\', '/', '\n', '\r', '\t', '\b', '\f', '\u0001', '\u001f', 'é', '│', '😀', '\ud800', '\udfff', '\u2028') , maxLength: 60 });
const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, text, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
})).value;

describe('parseJsonBytes', () => {
  it('parses what JSON.stringify writes as JSON.parse does, long strings as UTF-8 bytes', () => {
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 12 }), fc.boolean(), (v, threshold, pretty) => {
        const json = pretty ? JSON.stringify(v, null, 2) : JSON.stringify(v);
        const { actual, expected } = parseBoth(json, threshold);
        assert.deepEqual(actual, expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps a long string as bytes and a short one as a string', () => {
    const message = { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///a.log', text: 'line one\n│ two "quoted" \\ tab\there 😀\n' } } };
    const parsed = parseJsonBytes(Buffer.from(JSON.stringify(message)), { bigStringBytes: 30 }) as typeof message;
    const textValue: unknown = parsed.params.textDocument.text;
    assert.ok(isUtf8Text(textValue));
    assert.equal(textValue.bytes.toString('utf8'), message.params.textDocument.text);
    assert.equal(typeof parsed.params.textDocument.uri, 'string');
    assert.equal(parsed.method, 'textDocument/didOpen');
  });

  it('decodes escapes: surrogate pairs to one 4-byte sequence, lone surrogates to U+FFFD', () => {
    const one = (json: string) => (parseJsonBytes(Buffer.from(json), { bigStringBytes: 1 }) as { bytes: Buffer }).bytes;
    assert.deepEqual([...one('"\\ud83d\\ude00"')], [0xf0, 0x9f, 0x98, 0x80]); // U+1F600
    assert.deepEqual([...one('"\\u00e9\\u2502"')], [0xc3, 0xa9, 0xe2, 0x94, 0x82]); // é │
    assert.deepEqual([...one('"a\\ud800b"')], [0x61, 0xef, 0xbf, 0xbd, 0x62]);
    assert.deepEqual([...one('"\\udc00\\ud800"')], [0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd]);
    assert.deepEqual([...one('"\\n\\r\\t\\b\\f\\/\\\\\\""')], [0x0a, 0x0d, 0x09, 0x08, 0x0c, 0x2f, 0x5c, 0x22]);
  });

  it('gives a __proto__ key as an own property, as JSON.parse does', () => {
    const parsed = parseJsonBytes(Buffer.from('{"__proto__":{"polluted":1},"a":2}'), { bigStringBytes: 100 }) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['__proto__', 'a']);
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('rejects bad JSON with the byte offset', () => {
    const cases: [string, RegExp][] = [
      ['{"a":', /unexpected end of JSON at byte 5/],
      ['{"a" 1}', /expected ':' at byte 5/],
      ['[1 2]', /expected ',' or ']' at byte 3/],
      ['"abc', /unterminated string at byte 0/],
      ['"abcdefgh\\x"', /bad escape in a string at byte 9/],
      ['"abcdefgh\\u12g4"', /bad \\u escape in a string at byte 9/],
      ['"abcdefgh\u0001"', /control character 0x01 in a string at byte 9/],
      ['{} x', /unexpected data after the JSON value at byte 3/],
      ['tru', /not a JSON value: tru at byte 0/],
      ['@', /unexpected byte 0x40 at byte 0/],
    ];
    for (const [json, message] of cases) assert.throws(() => parseJsonBytes(Buffer.from(json), { bigStringBytes: 4 }), (e: unknown) => e instanceof JsonBytesError && message.test(e.message), json);
  });

  it('never throws anything but JsonBytesError on random bytes, and never hangs', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.integer({ min: 1, max: 8 }), (bytes, threshold) => {
        try {
          parseJsonBytes(Buffer.from(bytes), { bigStringBytes: threshold });
        } catch (e) {
          if (!(e instanceof JsonBytesError)) throw e;
        }
      }),
      { numRuns: 3000 },
    );
  });
});
