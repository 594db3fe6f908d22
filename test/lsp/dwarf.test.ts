// Go to definition and hover through DWARF, against an ELF that this test builds with gcc -g
// (see test/support/dwarfFixture.ts for how the expected line is found without our code), and the
// same settings in an untrusted workspace, where nothing may be executed.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DefinitionRequest, HoverRequest, type Location, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { DEFAULT_SETTINGS, StatusRequest, type ServerConfiguration } from '../../server/src/protocol/lsp';
import { buildDwarfFixture, missingTools, type DwarfFixture } from '../support/dwarfFixture';
import { REPO_ROOT, startServer, type LspSession } from './lspClient';

const missing = missingTools();
if (missing.length > 0 && process.env.CI) throw new Error(`missing ${missing.join(', ')}: apt-get install gcc binutils`);

describe('DWARF source lines over LSP', { skip: missing.length > 0 ? `missing ${missing.join(', ')} (apt-get install gcc binutils)` : false }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-dwarf-'));
  let fx: DwarfFixture;
  let uri = '';

  before(() => {
    fx = buildDwarfFixture(REPO_ROOT, work);
    uri = pathToFileURL(fx.logFile).toString();
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  const config = (trusted: boolean): ServerConfiguration => ({
    trusted,
    settings: { ...DEFAULT_SETTINGS, symbols: { ...DEFAULT_SETTINGS.symbols, vmlinux: [fx.vmlinux] } },
    workspaceFolders: [work],
  });
  const position = () => ({ line: fx.frameLine, character: fx.frameColumn });

  describe('trusted workspace', () => {
    let session: LspSession;
    before(async () => {
      session = await startServer(config(true));
      await session.open(uri, 'kernel-log', fx.logText);
    });
    after(async () => assert.equal(await session.close(), 0));

    it('goes to the line of the call in kernel.c', async () => {
      const def = (await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: position() })) as Location;
      assert.equal(def.uri, pathToFileURL(fx.kernelC).toString());
      assert.equal(def.range.start.line, fx.expectedLine);
    });

    it('hovers with file:line and the source line', async () => {
      const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position() });
      const value = (hover?.contents as MarkupContent).value;
      assert.match(value, new RegExp(`kernel\\.c:${fx.expectedLine + 1}\\b`));
      assert.match(value, /s \+= do_work\(i\);/);
      assert.match(value, /✓ .*vmlinux/); // the ELF's own symbols agree with +off/size
    });
  });

  describe('untrusted workspace, same settings', () => {
    let session: LspSession;
    before(async () => {
      session = await startServer(config(false));
      await session.open(uri, 'kernel-log', fx.logText);
    });
    after(async () => assert.equal(await session.close(), 0));

    it('reads no ELF and starts no process', async () => {
      const def = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: position() });
      assert.equal(def, null);
      const status = await session.connection.sendRequest(StatusRequest, { uri });
      assert.match(status.sources.find((s) => s.path === fx.vmlinux)?.error ?? '', /untrusted/);
      let children = '';
      try {
        children = execFileSync('ps', ['-o', 'comm=', '--ppid', String(session.server.pid)], { encoding: 'utf8' }).trim();
      } catch {
        // ps exits 1 when it lists nothing
      }
      assert.equal(children, '', `the server started: ${children}`);
    });
  });
});
