// Bad input through the whole server: random bytes and a 10 MB line, opened as either language,
// then every document request. The server must answer each request (no crash, no hang) and still
// serve a good document afterwards.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  InlayHintRequest,
  PublishDiagnosticsNotification,
  type Diagnostic,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { REPO_ROOT, startServer, type LspSession } from './lspClient';

/** Fails instead of waiting forever: a hang is the defect this file looks for. */
function within<T>(what: string, ms: number, p: Thenable<T>): Promise<T> {
  return Promise.race([
    Promise.resolve(p),
    new Promise<T>((_, reject) => {
      setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms).unref();
    }),
  ]);
}

const RANDOM = randomBytes(1 << 20).toString('latin1');
const LONG_LINE = '[<ffffffff8020622a>] hypercall_page+0x22a/0x1000 '.repeat((10 << 20) / 50);

describe('bad input over LSP', () => {
  let session: LspSession;
  const published = new Map<string, Diagnostic[]>();

  before(async () => {
    session = await startServer();
    session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => published.set(p.uri, p.diagnostics));
  });
  after(async () => {
    assert.equal(await session.close(), 0, `server stderr: ${session.stderr()}`);
  });

  const cases = [
    { name: 'random bytes as kernel-log', uri: 'untitled:random.console', languageId: 'kernel-log', text: RANDOM },
    { name: 'random bytes as xentrace', uri: 'untitled:random.xentrace.txt', languageId: 'xentrace', text: RANDOM },
    { name: 'a 10 MB line as kernel-log', uri: 'untitled:long.console', languageId: 'kernel-log', text: LONG_LINE },
    { name: 'a 10 MB line as xentrace', uri: 'untitled:long.xentrace.txt', languageId: 'xentrace', text: LONG_LINE },
  ];

  for (const c of cases) {
    it(`answers every request on ${c.name}`, async () => {
      await session.open(c.uri, c.languageId, c.text);
      const textDocument = { uri: c.uri };
      await within('documentSymbol', 30_000, session.connection.sendRequest(DocumentSymbolRequest.type, { textDocument }));
      await within('foldingRange', 30_000, session.connection.sendRequest(FoldingRangeRequest.type, { textDocument }));
      for (const position of [{ line: 0, character: 0 }, { line: 0, character: 30 }, { line: 3, character: 5 }, { line: 0, character: 5_000_000 }]) {
        await within('hover', 30_000, session.connection.sendRequest(HoverRequest.type, { textDocument, position }));
      }
      const range = { start: { line: 0, character: 0 }, end: { line: 50, character: 0 } };
      await within('inlayHint', 30_000, session.connection.sendRequest(InlayHintRequest.type, { textDocument, range }));
    });
  }

  it('says why the 10 MB kernel-log line was not parsed, on that line', async () => {
    const uri = 'untitled:long.console';
    const deadline = Date.now() + 30_000;
    while (!published.get(uri)?.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const d = (published.get(uri) ?? []).find((x) => /characters long/.test(x.message));
    assert.ok(d, 'a diagnostic about the long line');
    assert.equal(d.range.start.line, 0);
    assert.match(d.message, new RegExp(`line 1 is ${LONG_LINE.length} characters long`));
  });

  it('still serves a good log afterwards', async () => {
    const file = path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console');
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const uri = 'untitled:good.console';
    await session.open(uri, 'kernel-log', text);
    const line = lines.findIndex((l) => l.includes('hypercall_page+0x22a/0x1000'));
    const character = lines[line].indexOf('hypercall_page') + 3;
    const hover = await within('hover', 30_000, session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line, character } }));
    assert.match((hover?.contents as MarkupContent).value, /__HYPERVISOR_xen_version/);
  });
});
