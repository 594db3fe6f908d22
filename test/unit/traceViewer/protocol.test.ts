// The message protocol: one LSP method per request, all under xenscope/trace, and the host's
// check of what the webview sends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as lsp from '../../../server/src/protocol/traceViewer';
import { isFromWebview, VIEWER_METHODS, type ViewerRequests } from '../../../webview/protocol';

describe('xenscope/trace* requests', () => {
  const methods = (Object.values(lsp) as unknown[])
    .filter((v): v is { method: string } => typeof v === 'object' && v !== null && 'method' in v)
    .map((v) => v.method);

  it('are declared once each, under xenscope/trace', () => {
    assert.ok(methods.length >= 14, methods.join());
    assert.equal(new Set(methods).size, methods.length);
    for (const m of methods) assert.match(m, /^xenscope\/trace[A-Z]\w+$/);
  });

  it('cover every webview method', () => {
    // The webview's method `rows` travels as xenscope/traceRows, and so on.
    assert.deepEqual(Object.keys(lsp.VIEWER_RELAY).sort(), [...VIEWER_METHODS].sort());
    for (const m of VIEWER_METHODS) assert.equal(lsp.VIEWER_RELAY[m].method, `xenscope/trace${m[0]!.toUpperCase()}${m.slice(1)}`);
    const keys: Record<keyof ViewerRequests, true> = { rows: true, timeRows: true, detail: true, filterStart: true, filterCancel: true, nextMatch: true, jump: true, stats: true, density: true };
    assert.deepEqual([...VIEWER_METHODS].sort(), Object.keys(keys).sort());
  });
});

describe('isFromWebview', () => {
  it('accepts the messages the webview sends', () => {
    assert.ok(isFromWebview({ type: 'ready' }));
    assert.ok(isFromWebview({ type: 'request', id: 1, method: 'rows', params: { start: 0, count: 10 } }));
    assert.ok(isFromWebview({ type: 'export', params: { first: 0, last: 9, format: 'text' }, target: 'document' }));
    assert.ok(isFromWebview({ type: 'export', params: { first: 0, last: 0, format: 'json' }, target: 'clipboard' }));
  });

  it('rejects anything else', () => {
    for (const m of [
      null,
      'ready',
      {},
      { type: 'request', id: '1', method: 'rows', params: {} },
      { type: 'request', id: 1, method: 'readFile', params: {} },
      { type: 'request', id: 1, method: 'rows' },
      { type: 'copy', text: 'x' },
      { type: 'export' },
      { type: 'export', params: { first: 0, last: 1, format: 'text' }, target: 'file:///tmp/x' },
      { type: 'open', path: '/etc/passwd' },
    ]) {
      assert.equal(isFromWebview(m), false, JSON.stringify(m));
    }
  });
});
