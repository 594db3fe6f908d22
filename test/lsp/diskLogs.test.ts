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

  it('a log of several MB: the first MB\'s reports first, then every report; the text is read a piece at a time', async () => {
    const one = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console'), 'utf8');
    const text = one.repeat(Math.ceil((3 << 20) / one.length));
    const file = path.join(work, 'big.console');
    fs.writeFileSync(file, text);
    const expected = text.split('\n').flatMap((l, i) => (l.startsWith('BUG: soft lockup') ? [i] : []));
    const uri = pathToFileURL(file).toString();
    const before = published.length;
    const result = await session.connection.sendRequest(DiskLogRequest, { uri, open: true });
    assert.equal(result.reports, expected.length);
    assert.deepEqual(result.list?.map((r) => r.line), expected);
    const mine = published.slice(before).filter((p) => p.uri === uri).map((p) => p.diagnostics.map((d) => d.range.start.line));
    assert.ok(mine.length >= 2, `${mine.length} publications`);
    const first = mine[0]!;
    // The first piece is 1 MiB of text: its reports, less any the next piece may still extend.
    const lineStarts = [0];
    for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) lineStarts.push(at + 1);
    const inFirstMiB = expected.filter((line) => lineStarts[line + 1]! <= 1 << 20);
    assert.ok(first.length > 0 && first.length <= inFirstMiB.length && first.length >= inFirstMiB.length - 1, `${first.length} of ${inFirstMiB.length}`);
    assert.deepEqual(first, expected.slice(0, first.length));
    assert.deepEqual(mine.at(-1), expected);
  });

  it('names a file it cannot read, and a URI that is not a file', async () => {
    const dir = await session.connection.sendRequest(DiskLogRequest, { uri: pathToFileURL(work).toString(), open: true });
    assert.match(dir.error ?? '', /cannot read .*xenscope-disklog-.*(EISDIR|directory)/);
    const missing = pathToFileURL(path.join(work, 'gone.console')).toString();
    const a = await session.connection.sendRequest(DiskLogRequest, { uri: missing, open: true });
    assert.match(a.error ?? '', /cannot read .*gone\.console/);
    const b = await session.connection.sendRequest(DiskLogRequest, { uri: 'untitled:x.console', open: true });
    assert.match(b.error ?? '', /not a file on disk/);
  });
});
