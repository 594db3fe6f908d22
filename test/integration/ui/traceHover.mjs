// A person hovers a xentrace_format line and reads the decoded record.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { hoverUntil, openFile, openWorkbench, resultPath } from './workbench.mjs';

export const traceHoverScenario = {
  name: 'hover over a xentrace_format record',
  async run({ page, server, repo, results, workbenchUrl }) {
    await openWorkbench(page, server, workbenchUrl, path.join(repo, 'samples'));
    await openFile(page, 'records.xentrace.txt', 'running_to_blocked');
    const text = await hoverUntil(page, 'running_to_blocked', 'dom:vcpu');
    assert.match(text, /CPU 0/);
    assert.match(text, /TSC 50475882834000/);
    await page.screenshot({ path: resultPath(results, 'hover-trace-record.png') });
  },
};
