// A person hovers the hypercall_page frame of the sample lockup and reads the hover.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { hoverUntil, openFile, openWorkbench, resultPath } from './workbench.mjs';

export const hoverScenario = {
  name: 'hover over a hypercall_page frame',
  async run({ page, server, repo, results, workbenchUrl }) {
    await openWorkbench(page, server, workbenchUrl, path.join(repo, 'samples'));
    await openFile(page, 'xen-domU-softlockup.console', 'hypercall_page+0x22a');
    const text = await hoverUntil(page, 'hypercall_page+0x22a/0x1000', 'xen_version');
    assert.match(text, /stub 17/);
    assert.match(text, /__HYPERVISOR_xen_version/);
    await page.screenshot({ path: resultPath(results, 'hover-hypercall-page.png') });
  },
};
