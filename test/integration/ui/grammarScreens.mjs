// How the grammars look to a person: the Xen bugzilla soft-lockup log and a xentrace_format dump,
// in a dark and a light theme, saved under test-results/. Checked: frame symbols and addresses
// get colours of their own, distinct from plain text.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { writeUserSettings } from '../codeServer.mjs';
import { openFile, openWorkbench, resultPath } from './workbench.mjs';

/** The colour of the rendered token that contains `text`, and the editor's plain text colour. */
async function colours(page, text) {
  return page.evaluate((needle) => {
    const plain = getComputedStyle(document.querySelector('.monaco-editor .view-lines')).color;
    for (const span of document.querySelectorAll('.monaco-editor .view-line span span')) {
      if (span.textContent.includes(needle)) return { token: getComputedStyle(span).color, plain };
    }
    return { token: undefined, plain };
  }, text);
}

function scenario(theme, label) {
  return {
    name: `grammar screenshots, ${label} theme`,
    async run({ page, server, profile, repo, results, workbenchUrl }) {
      writeUserSettings(profile, { 'workbench.colorTheme': theme, 'editor.codeLens': false });
      await openWorkbench(page, server, workbenchUrl, path.join(repo, 'samples'));
      await openFile(page, 'xen-domU-softlockup.console', 'softlockup_tick');
      // Tokenization waits for the extension's grammar (the status bar may still say "Activating
      // Extensions…"), and the theme may still be the default: poll, up to 20 s, not a fixed wait.
      let symbol = await colours(page, 'softlockup_tick');
      for (const t0 = Date.now(); !(symbol.token && symbol.token !== symbol.plain) && Date.now() - t0 < 20_000; ) {
        await page.waitForTimeout(250);
        symbol = await colours(page, 'softlockup_tick');
      }
      const address = await colours(page, 'ffffffff80258269');
      assert.ok(symbol.token && symbol.token !== symbol.plain, `frame symbols are coloured (${symbol.token} vs ${symbol.plain})`);
      assert.ok(address.token && address.token !== symbol.token, `addresses differ from symbols (${address.token})`);
      await page.screenshot({ path: resultPath(results, `grammar-kernel-log-${label}.png`) });
      await openFile(page, 'records.xentrace.txt', 'running_to_blocked');
      await page.waitForTimeout(1000);
      await page.screenshot({ path: resultPath(results, `grammar-xentrace-${label}.png`) });
    },
  };
}

export const grammarScenarios = [scenario('Default Dark Modern', 'dark'), scenario('Default Light Modern', 'light')];
