import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { isUtf8Text, materialize } from '../../../server/src/core/text/utf8Text';
import { CompactStreamReader } from '../../../server/src/transport/streamReader';

// LSP base protocol: `Content-Length: N\r\n\r\n` then N bytes of UTF-8 JSON.
const frame = (message: unknown) => {
  const body = Buffer.from(JSON.stringify(message), 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
};

/** Feeds `bytes` in chunks of the given sizes (cycled); resolves with what the reader delivered. */
async function read(bytes: Buffer, chunks: readonly number[], bigMessageBytes: number): Promise<{ messages: unknown[]; errors: string[] }> {
  const stream = new PassThrough();
  const reader = new CompactStreamReader(stream, bigMessageBytes);
  const messages: unknown[] = [];
  const errors: string[] = [];
  reader.onError((e) => errors.push(e.message));
  reader.listen((m) => messages.push(m));
  for (let at = 0, k = 0; at < bytes.length; k++) {
    const n = Math.max(1, chunks[k % chunks.length]!);
    stream.write(bytes.subarray(at, at + n));
    at += n;
  }
  stream.end();
  await new Promise((resolve) => stream.on('end', resolve).resume());
  return { messages, errors };
}

const log = 'kernel: BUG: soft lockup - CPU#0 stuck │ 😀 "quoted" \\ é\n'.repeat(20);
const didOpen = { jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri: 'file:///a.log', languageId: 'kernel-log', version: 1, text: log } } };
const didChange = { jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///a.log', version: 2 }, contentChanges: [{ text: log }] } };
const hover = { jsonrpc: '2.0', id: 7, method: 'textDocument/hover', params: { textDocument: { uri: 'file:///a.log' }, position: { line: 1, character: 2 } } };
const other = { jsonrpc: '2.0', method: 'workspace/didChangeConfiguration', params: { settings: { long: log } } };

describe('CompactStreamReader', () => {
  it('delivers every message whatever the chunking; a big message keeps only a document text as bytes', async () => {
    const stream = Buffer.concat([frame(hover), frame(didOpen), frame(other), frame(didChange), frame(hover)]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 5 }), async (chunks) => {
        const { messages, errors } = await read(stream, chunks, 200);
        assert.deepEqual(errors, []);
        assert.equal(messages.length, 5);
        const [, open, config, change] = messages as (typeof didOpen & typeof didChange)[];
        assert.ok(isUtf8Text(open!.params.textDocument.text), 'didOpen text as bytes');
        assert.ok(isUtf8Text(change!.params.contentChanges[0]!.text), 'didChange text as bytes');
        assert.equal(typeof (config as unknown as typeof other).params.settings.long, 'string', 'any other long string as a string');
        assert.deepEqual(materialize(messages, () => false), [hover, didOpen, other, didChange, hover]);
      }),
      { numRuns: 200 },
    );
  });

  it('parses messages under the size as JSON.parse does (no bytes)', async () => {
    const { messages } = await read(Buffer.concat([frame(didOpen), frame(hover)]), [64], 1 << 20);
    assert.deepEqual(messages, [didOpen, hover]);
  });

  it('reports a header without Content-Length and bad JSON, then goes on with the next message', async () => {
    const bad = Buffer.concat([Buffer.from('Content-Type: x\r\n\r\n'), Buffer.from('Content-Length: 5\r\n\r\n{"a":'), frame(hover)]);
    const { messages, errors } = await read(bad, [7], 1 << 20);
    assert.deepEqual(messages, [hover]);
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /without a Content-Length/);
    assert.match(errors[1]!, /unreadable LSP message of 5 bytes/);
    const badBody = Buffer.from(`["${'x'.repeat(290)}",\\q]`);
    assert.equal(badBody.length, 297);
    const big = Buffer.concat([Buffer.from('Content-Length: 297\r\n\r\n'), badBody, frame(hover)]);
    const second = await read(big, [50], 100);
    assert.deepEqual(second.messages, [hover]);
    assert.match(second.errors[0]!, /unreadable LSP message of 297 bytes: unexpected byte 0x5c at byte 294 of the message/);
  });
});
