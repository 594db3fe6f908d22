// xentrace text documents over LSP. Expected decodings are worked out from the record layout
// (Xen public/trace.h: header = event | extra words << 28 | TSC flag << 31) and xen.h numbers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DocumentSymbolRequest,
  HoverRequest,
  InlayHintRequest,
  PublishDiagnosticsNotification,
  type Diagnostic,
  type DocumentSymbol,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { startServer, type LspSession } from './lspClient';

// Lines quoted in xentrace-format.md §4 (xentrace_format output), plus pasted words.
const TEXT = [
  '# a xentrace_format dump',
  'CPU0  50475882825885 (+       0)  do_block          [ dom:vcpu = 0x00000002 ]',
  'CPU0  50475882834000 (+     672)  running_to_blocked  [ dom:vcpu = 0x00000002 ]',
  'CPU5  0 (+       0)  IOPORT_READ [ port = 0xc206, data = 0x0000014a ]',
  // header 0x2020100d: event 0x0020100d (HYPERCALL_V2), 2 extra words, no TSC;
  // w0 0x0010001d: hypercall 0x1d = 29 (sched_op), A0 = 1 (one 32-bit argument); arg0 = 1 (SCHEDOP_block)
  '2020100d 0010001d 00000001',
  'CPU3 this is not a record',
].join('\n');

describe('xentrace text features over LSP', () => {
  let session: LspSession;
  const uri = 'untitled:trace.xentrace.txt';
  let diagnostics: Promise<Diagnostic[]>;

  before(async () => {
    session = await startServer();
    diagnostics = new Promise((resolve) => session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => p.uri === uri && resolve(p.diagnostics)));
    await session.open(uri, 'xentrace', TEXT);
  });
  after(async () => {
    assert.equal(await session.close(), 0);
  });

  const hover = async (line: number) =>
    ((await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character: 2 } }))?.contents as MarkupContent | undefined)?.value ?? '';

  it('decodes a xentrace_format line: running_to_blocked, CPU 0, dom:vcpu', async () => {
    const value = await hover(2);
    assert.match(value, /CPU 0/);
    assert.match(value, /TSC 50475882834000/);
    assert.match(value, /dom:vcpu = 0x00000002/);
    // One packed word, vCPU in bits 0-15, domain in bits 16-31 (Xen's trace_runstate_change).
    assert.match(value, /\| dom \| `0` \| d0 \|/);
    assert.match(value, /\| vcpu \| `2` \|/);
  });

  it('decodes pasted record words: HYPERCALL_V2 sched_op(block)', async () => {
    const value = await hover(4);
    assert.match(value, /HYPERCALL_V2/);
    assert.match(value, /sched_op/);
    assert.match(value, /0x0020100d/);
  });

  it('flags the record-like line that does not decode, and only it', async () => {
    const diags = await diagnostics;
    assert.deepEqual(diags.filter((d) => d.code === 'undecodable-record').map((d) => d.range.start.line), [5]);
  });

  it('outlines CPU sections', async () => {
    const symbols = (await session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri } })) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ['CPU0', 'CPU5']);
    assert.equal(symbols[0].range.start.line, 1);
    assert.equal(symbols[0].range.end.line, 2);
  });

  it('names the event after pasted words', async () => {
    const hints = await session.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 5, character: 0 } } });
    assert.equal(hints?.length, 1);
    assert.equal(hints?.[0].position.line, 4);
    assert.match(String(hints?.[0].label), /HYPERCALL_V2/);
  });
});
