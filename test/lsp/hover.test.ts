import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { HoverRequest, type MarkupContent } from 'vscode-languageserver-protocol/node';
import { REPO_ROOT, startServer, type LspSession } from './lspClient';

const LOG = path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console');

describe('hover over the bundled server (stdio)', () => {
  let session: LspSession;
  const uri = pathToFileURL(LOG).toString();
  const lines = fs.readFileSync(LOG, 'utf8').split('\n');

  before(async () => {
    session = await startServer();
    await session.open(uri, 'kernel-log', lines.join('\n'));
  });
  after(async () => {
    assert.equal(await session.close(), 0, 'server exits 0 after shutdown/exit');
  });

  async function hoverOn(needle: string) {
    const line = lines.findIndex((l) => l.includes(needle));
    assert.ok(line >= 0, `sample log has ${needle}`);
    const character = lines[line]!.indexOf(needle) + 3;
    const hover = await session.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line, character },
    });
    return { hover, line };
  }

  it('names stub 17 (0x22a / 32) xen_version', async () => {
    const { hover, line } = await hoverOn('hypercall_page+0x22a/0x1000');
    assert.ok(hover, 'a hover is returned');
    const value = (hover.contents as MarkupContent).value;
    assert.match(value, /stub 17\b/);
    assert.match(value, /__HYPERVISOR_xen_version/);
    assert.equal(hover.range?.start.line, line);
  });

  it('names stub 29 (0x3aa / 32) sched_op and explains the idle block', async () => {
    const { hover } = await hoverOn('hypercall_page+0x3aa/0x1000');
    const value = (hover?.contents as MarkupContent).value;
    assert.match(value, /__HYPERVISOR_sched_op/);
    assert.match(value, /64-bit PV guest/); // 0x3aa = 29*32 + 0xa, the syscall stub's return address
  });

  it('returns null away from a frame', async () => {
    const hover = await session.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri },
      position: { line: lines.indexOf(''), character: 0 },
    });
    assert.equal(hover, null);
  });
});
