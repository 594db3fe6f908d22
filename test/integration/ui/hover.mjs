// A person opens a sample, hovers a word and reads the hover: a stack frame of the lockup log
// and a xentrace_format record. Each keeps a screenshot.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { hoverUntil, openFile, openWorkbench, processesUnder, resultPath } from './workbench.mjs';

const xenscopeServer = (server) => processesUnder(server.child.pid).find((p) => /xenscope[^ ]*\/dist\/server\.js/.test(p.cmdline));

function hoverScenario({ name, file, target, ready, expect, screenshot, checkLazyStart = false }) {
  return {
    name,
    async run({ page, server, repo, results, workbenchUrl }) {
      await openWorkbench(page, server, workbenchUrl, path.join(repo, 'samples'));
      if (checkLazyStart) {
        // XenScope activates once VS Code has started, but starts its server only for a log.
        await page.waitForTimeout(3000);
        assert.equal(xenscopeServer(server), undefined, 'no XenScope server before a log is opened');
      }
      await openFile(page, file, target);
      const text = await hoverUntil(page, target, ready);
      for (const re of expect) assert.match(text, re);
      await page.screenshot({ path: resultPath(results, screenshot) });
      if (checkLazyStart) {
        const lsp = xenscopeServer(server);
        assert.ok(lsp, 'the XenScope server runs once a log is open');
        // The client's Node flags reach the server (SERVER_EXEC_ARGV: the GC before a big parse needs them).
        assert.match(lsp.cmdline, /--expose-gc/);
      }
    },
  };
}

export const frameHoverScenario = hoverScenario({
  name: 'hover over a hypercall_page frame',
  file: 'xen-domU-softlockup.console',
  target: 'hypercall_page+0x22a/0x1000',
  ready: 'xen_version',
  expect: [/stub 17/, /__HYPERVISOR_xen_version/],
  screenshot: 'hover-hypercall-page.png',
  checkLazyStart: true,
});

export const traceHoverScenario = hoverScenario({
  name: 'hover over a xentrace_format record',
  file: 'records.xentrace.txt',
  target: 'running_to_blocked',
  ready: 'dom:vcpu',
  expect: [/CPU 0/, /TSC 50475882834000/, /running→blocked/],
  screenshot: 'hover-trace-record.png',
});
