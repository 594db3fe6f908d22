// Symbol tables over LSP: the right table found in the workspace by the kernel version the log
// prints, a table of another kernel picked by the user and reported as such on the frames, and
// go to definition through the source index when there is no DWARF.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DefinitionRequest, PublishDiagnosticsNotification, type Diagnostic, type Location } from 'vscode-languageserver-protocol/node';
import { DEFAULT_SETTINGS, LoadSymbolsRequest, StatusRequest } from '../../server/src/protocol/lsp';
import { REPO_ROOT, startServer, type LspSession } from './lspClient';

const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'oops');
const MAP = path.join(FIXTURES, 'symbols', 'System.map-6.1.0-56-amd64.gz');
const SYSRQ = path.join(FIXTURES, 'logs', 'xen-4.17-qemu-dom0-6.1.0-56-sysrq.txt');
const OLD_LOCKUP = path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console');

describe('symbol tables over LSP', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-tables-'));
  let session: LspSession;
  const diagnostics = new Map<string, Diagnostic[]>();
  const sysrqUri = pathToFileURL(path.join(work, 'dom0.dmesg')).toString();
  const oldUri = pathToFileURL(OLD_LOCKUP).toString();

  before(async () => {
    fs.copyFileSync(MAP, path.join(work, path.basename(MAP)));
    session = await startServer({ trusted: true, settings: DEFAULT_SETTINGS, workspaceFolders: [work] });
    session.connection.onNotification(PublishDiagnosticsNotification.type, (p) => diagnostics.set(p.uri, p.diagnostics));
    await session.open(sysrqUri, 'kernel-log', fs.readFileSync(SYSRQ, 'utf8'));
  });
  after(async () => {
    assert.equal(await session.close(), 0);
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('uses the workspace System.map whose name carries the version the log prints, and every frame agrees', async () => {
    const status = await session.connection.sendRequest(StatusRequest, { uri: sysrqUri });
    assert.equal(status.version, '6.1.0-56-amd64'); // "Linux version 6.1.0-56-amd64" in the log
    const map = status.sources.find((s) => s.path.endsWith('System.map-6.1.0-56-amd64.gz'));
    assert.ok(map && !map.error, JSON.stringify(status.sources));
    assert.equal(map.origin, 'workspace');
    assert.ok(status.checked > 50, `${status.checked} distinct frames checked`);
    assert.equal(status.mismatched, 0);
  });

  it('reports the frames of a 2.6.18 log against a picked 6.1 map as "not this kernel\'s"', async () => {
    const loaded = await session.connection.sendRequest(LoadSymbolsRequest, { path: path.join(work, path.basename(MAP)) });
    assert.ok(loaded.symbols > 90_000, `${loaded.symbols} symbols`);
    await session.open(oldUri, 'kernel-log', fs.readFileSync(OLD_LOCKUP, 'utf8'));
    const deadline = Date.now() + 10_000;
    let mismatches: Diagnostic[] = [];
    while (Date.now() < deadline) {
      mismatches = (diagnostics.get(oldUri) ?? []).filter((d) => d.code === 'symbol-table-mismatch');
      if (mismatches.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(mismatches.length > 5, `${mismatches.length} mismatch diagnostics`);
    assert.ok(mismatches.some((d) => /not this kernel's/.test(d.message)), mismatches.map((d) => d.message).join('\n'));
  });
});

describe('go to definition through the source index (no DWARF)', () => {
  const root = path.join(FIXTURES, 'dwarf');
  let session: LspSession;
  const uri = 'untitled:lockup.oops';
  const text = 'BUG: soft lockup - CPU#0 stuck for 23s! [kworker/0:1:42]\nCall Trace:\n [<0000000000401166>] softlockup_tick+0x16/0x30\n';

  before(async () => {
    session = await startServer({ trusted: true, settings: { ...DEFAULT_SETTINGS, sourceRoots: [root], discoverSymbols: false }, workspaceFolders: [] });
    await session.open(uri, 'kernel-log', text);
  });
  after(async () => assert.equal(await session.close(), 0));

  it('lands on the function definition in kernel.c', async () => {
    const def = (await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: { line: 2, character: 26 } })) as Location;
    const expected = fs.readFileSync(path.join(root, 'kernel.c'), 'utf8').split('\n').findIndex((l) => /^\S.*\bsoftlockup_tick\(int n\)$/.test(l));
    assert.ok(expected > 0);
    assert.equal(def.uri, pathToFileURL(path.join(root, 'kernel.c')).toString());
    assert.equal(def.range.start.line, expected);
  });
});
