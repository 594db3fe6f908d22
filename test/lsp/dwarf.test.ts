// Go to definition and hover through DWARF, against an ELF that this test builds with gcc -g,
// and the same settings in an untrusted workspace, where nothing may be executed. The expected
// source line is the one marked `@tick-calls-work` in the fixture's C source; the frame's
// offset is the return address after `call do_work`, found with objdump (binutils).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { DefinitionRequest, HoverRequest, type Location, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { DEFAULT_SETTINGS, StatusRequest, type ServerConfiguration } from '../../server/src/protocol/lsp';
import { REPO_ROOT, startServer, type LspSession } from './lspClient';

const DWARF_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'oops', 'dwarf');
const KERNEL_C = path.join(DWARF_DIR, 'kernel.c');

function have(tool: string): boolean {
  try {
    execFileSync(tool, ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const tools = ['gcc', 'objdump', 'nm'].filter((t) => !have(t));
if (tools.length > 0 && process.env.CI) throw new Error(`missing ${tools.join(', ')}: apt-get install gcc binutils`);

describe('DWARF source lines over LSP', { skip: tools.length > 0 ? `missing ${tools.join(', ')} (apt-get install gcc binutils)` : false }, () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-dwarf-'));
  const vmlinux = path.join(work, 'vmlinux');
  const logFile = path.join(work, 'lockup.oops');
  const uri = pathToFileURL(logFile).toString();
  let logText = '';
  let expectedLine = 0;

  before(() => {
    execFileSync('sh', [path.join(DWARF_DIR, 'build.sh'), work]);
    const nm = execFileSync('nm', ['-n', '--defined-only', vmlinux], { encoding: 'utf8' });
    const m = /^([0-9a-f]+) T softlockup_tick$/m.exec(nm);
    assert.ok(m, 'nm lists softlockup_tick');
    const start = BigInt('0x' + m[1]);
    // The kernel prints the distance to the next symbol as the size (kallsyms' get_symbol_pos).
    const next = nm.split('\n').map((l) => BigInt('0x' + (l.split(' ')[0] || '0'))).find((a) => a > start);
    assert.ok(next !== undefined);
    const size = Number(next - start);
    // The instruction after `call <do_work>` inside softlockup_tick is the return address a stack shows.
    const asm = execFileSync('objdump', ['-d', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + BigInt(size)).toString(16)}`, vmlinux], { encoding: 'utf8' });
    const lines = asm.split('\n').filter((l) => /^\s+[0-9a-f]+:/.test(l));
    const call = lines.findIndex((l) => /call.*<do_work>/.test(l));
    assert.ok(call >= 0 && call + 1 < lines.length, 'softlockup_tick calls do_work');
    const ret = BigInt('0x' + /^\s+([0-9a-f]+):/.exec(lines[call + 1])![1]);
    const offset = ret - start;
    logText = [
      'BUG: soft lockup - CPU#0 stuck for 23s! [kworker/0:1:42]',
      'Call Trace:',
      ` [<${ret.toString(16).padStart(16, '0')}>] softlockup_tick+0x${offset.toString(16)}/0x${size.toString(16)}`,
      '',
    ].join('\n');
    fs.writeFileSync(logFile, logText);
    expectedLine = fs.readFileSync(KERNEL_C, 'utf8').split('\n').findIndex((l) => l.includes('@tick-calls-work'));
    assert.ok(expectedLine > 0);
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  const config = (trusted: boolean): ServerConfiguration => ({
    trusted,
    settings: { ...DEFAULT_SETTINGS, symbols: { ...DEFAULT_SETTINGS.symbols, vmlinux: [vmlinux] } },
    workspaceFolders: [work],
  });
  const position = () => ({ line: 2, character: logText.split('\n')[2].indexOf('softlockup_tick') + 4 });

  describe('trusted workspace', () => {
    let session: LspSession;
    before(async () => {
      session = await startServer(config(true));
      await session.open(uri, 'kernel-log', logText);
    });
    after(async () => assert.equal(await session.close(), 0));

    it('goes to the line of the call in kernel.c', async () => {
      const def = (await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: position() })) as Location;
      assert.equal(def.uri, pathToFileURL(KERNEL_C).toString());
      assert.equal(def.range.start.line, expectedLine);
    });

    it('hovers with file:line and the source line', async () => {
      const hover = await session.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: position() });
      const value = (hover?.contents as MarkupContent).value;
      assert.match(value, new RegExp(`kernel\\.c:${expectedLine + 1}\\b`));
      assert.match(value, /s \+= do_work\(i\);/);
      assert.match(value, /✓ .*vmlinux/); // the ELF's own symbols agree with +off/size
    });
  });

  describe('untrusted workspace, same settings', () => {
    let session: LspSession;
    before(async () => {
      session = await startServer(config(false));
      await session.open(uri, 'kernel-log', logText);
    });
    after(async () => assert.equal(await session.close(), 0));

    it('reads no ELF and starts no process', async () => {
      const def = await session.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: position() });
      assert.equal(def, null);
      const status = await session.connection.sendRequest(StatusRequest, { uri });
      const elf = status.sources.find((s) => s.path === vmlinux);
      assert.match(elf?.error ?? '', /untrusted/);
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
