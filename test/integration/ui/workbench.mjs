// Small helpers for driving the VS Code workbench in the browser like a person would.
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Opens the workbench on `folder` and waits until the editor area is there. */
export async function openWorkbench(page, server, workbenchUrl, folder) {
  await page.goto(workbenchUrl(server, { folder }));
  await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await page.locator('.part.editor').waitFor({ timeout: 60_000 });
}

/** Opens a top-level workspace file from the Explorer, as a user would, and waits for its text. */
export async function openFile(page, fileName, expectText) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  await page.locator('.monaco-editor .view-lines', { hasText: expectText }).first().waitFor({ timeout: 30_000 });
}

/** The screen box of the first rendered occurrence of `text` in the editor. */
export async function boxOfText(page, text) {
  const box = await page.evaluate((needle) => {
    for (const line of document.querySelectorAll('.monaco-editor .view-line')) {
      const content = line.textContent ?? '';
      const at = content.indexOf(needle);
      if (at < 0) continue;
      // Walk the line's text nodes to the character where the needle starts.
      const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
      let seen = 0;
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const len = node.textContent.length;
        if (seen + len > at) {
          const range = document.createRange();
          const start = at - seen;
          range.setStart(node, start);
          range.setEnd(node, Math.min(len, start + needle.length));
          const r = range.getBoundingClientRect();
          return { x: r.x, y: r.y, width: r.width, height: r.height };
        }
        seen += len;
      }
    }
    return null;
  }, text);
  if (!box) throw new Error(`"${text}" is not rendered in the editor`);
  return box;
}

/**
 * Hovers `text` until a hover widget containing `expected` appears (the language server may
 * still be starting on the first try); returns the widget's text.
 */
export async function hoverUntil(page, text, expected, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expected }).first();
  while (Date.now() < deadline) {
    const box = await boxOfText(page, text);
    await page.mouse.move(5, 5);
    await page.mouse.move(box.x + Math.min(20, box.width / 2), box.y + box.height / 2, { steps: 3 });
    try {
      await hover.waitFor({ state: 'visible', timeout: 3_000 });
      await page.waitForTimeout(500); // let the widget's fade-in finish before anyone takes a picture
      return await hover.innerText();
    } catch {
      // no hover yet: move away and try again
    }
  }
  throw new Error(`no hover containing "${expected}" over "${text}" within ${timeoutMs / 1000} s`);
}

export function resultPath(results, name) {
  return path.join(results, name);
}

/** Processes descended from `root` (Linux /proc), with their command lines and resident memory. */
export function processesUnder(root) {
  const all = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = fs.readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const rssKiB = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      const cmdline = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      all.push({ pid: Number(name), ppid, rssMb: rssKiB / 1024, cmdline });
    } catch {
      // gone meanwhile
    }
  }
  const under = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (under.has(p.pid) || !under.has(p.ppid)) continue;
      under.add(p.pid);
      grew = true;
    }
  }
  return all.filter((p) => p.pid !== root && under.has(p.pid));
}
