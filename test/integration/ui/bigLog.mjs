// A person opens only a 52 MB console log in a fresh window. VS Code shows its "very large"
// page and keeps the file from extensions; XenScope reads it from disk and its problems appear.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, resultPath } from './workbench.mjs';

export const bigLogScenario = {
  name: 'a log over 50 MB gets its problems',
  async run({ page, server, repo, results, workbenchUrl }) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-ui-big-'));
    try {
      const unit = fs.readFileSync(path.join(repo, 'samples', 'xen-domU-softlockup.console'), 'utf8');
      fs.writeFileSync(path.join(dir, 'big.console'), unit.repeat(Math.ceil((52 << 20) / Buffer.byteLength(unit))));
      await openWorkbench(page, server, workbenchUrl, dir);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'big.console' }).first().click({ timeout: 30_000 });
      // The status bar's problems item: "errors warnings infos"; thousands of lockups read "1K" or more.
      const problems = page.locator('.statusbar-item[id="status.problems"]');
      await problems.filter({ hasText: /K/ }).waitFor({ timeout: 90_000 });
      const text = (await problems.innerText()).replace(/\s+/g, ' ');
      assert.match(text, /\b\d+(\.\d+)?K\b/, `problems item: ${text}`);
      console.log(`[integration] big log: status bar problems "${text}"`);
      await page.screenshot({ path: resultPath(results, 'big-log-problems.png') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
