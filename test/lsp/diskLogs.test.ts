// xenscope/diskLog: the path for logs VS Code keeps from extensions (over 50 MB). The server
// reads the file itself, publishes its problems, clears them on close, and names what it could
// not read. Expected counts are read from the file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { PublishDiagnosticsNotification, type Diagnostic } from 'vscode-languageserver-protocol/node';
import { DEFAULT_SETTINGS, DiskLogRequest } from '../../server/src/protocol/lsp';
import { REPO_ROOT, startServer, type LspSession } from './lspClient';

describe('logs read from disk (xenscope/diskLog)', () => {
  let session: LspSession;
  let work: string;
  const published: { uri: string; diagnostics: Diagnostic[] }[] = [];

  before(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-disklog-'));
    session = await startServer({ trusted: true, settings: DEFAULT_SETTINGS, workspaceFolders: [] });
    session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => published.push(p));
  });
  after(async () => {
    assert.equal(await session.close(), 0);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('publishes one problem per report of the file, and clears them on close', async () => {
    const file = path.join(work, 'lockups.console');
    fs.copyFileSync(path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console'), file);
    const expected = fs.readFileSync(file, 'utf8').split('\n').flatMap((l, i) => (l.startsWith('BUG: soft lockup') ? [i] : []));
    const uri = pathToFileURL(file).toString();
    const result = await session.connection.sendRequest(DiskLogRequest, { uri, open: true });
    assert.equal(result.error, undefined);
    assert.equal(result.reports, expected.length);
    const last = published.filter((p) => p.uri === uri).at(-1)!;
    assert.deepEqual(last.diagnostics.map((d) => d.range.start.line), expected);
    await session.connection.sendRequest(DiskLogRequest, { uri, open: false });
    assert.deepEqual(published.filter((p) => p.uri === uri).at(-1)!.diagnostics, []);
  });

  it('names a file it cannot read, and a URI that is not a file', async () => {
    const missing = pathToFileURL(path.join(work, 'gone.console')).toString();
    const a = await session.connection.sendRequest(DiskLogRequest, { uri: missing, open: true });
    assert.match(a.error ?? '', /cannot read .*gone\.console/);
    const b = await session.connection.sendRequest(DiskLogRequest, { uri: 'untitled:x.console', open: true });
    assert.match(b.error ?? '', /not a file on disk/);
  });
});
