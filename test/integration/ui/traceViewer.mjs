// A person opens the sample binary trace from the Explorer, reads the table, filters by event,
// jumps to a TSC and opens the statistics. The rows painted in the webview are compared with
// `xenscope trace dump --json` (the CLI, a separate path through the decoder) on the same file.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openWorkbench, processesUnder, resultPath } from './workbench.mjs';

const SAMPLE = 'hvm-8cpu.xentrace';

function cliRecords(repo, args) {
  const result = spawnSync(process.execPath, [path.join(repo, 'dist', 'cli.js'), 'trace', 'dump', path.join(repo, 'samples', SAMPLE), '--json', ...args], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`xenscope trace dump failed: ${result.stderr}`);
  return result.stdout.trim().split('\n').map((line) => JSON.parse(line));
}

/** The webview's document: the workbench's webview iframe, then VS Code's inner active frame. */
function viewer(page) {
  return page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
}

/** The rendered rows: [#, CPU, TSC, time, Δ, dom:vcpu, event, fields] texts. */
async function renderedRows(frame) {
  return frame.locator('#rows .row:not(.empty)').evaluateAll((rows) =>
    rows.filter((r) => r.style.display !== 'none').map((r) => Array.from(r.children, (c) => c.textContent ?? '')),
  );
}

/**
 * Clicks the sample in the Explorer until the viewer shows rows; says how long the rows took.
 * Right after the workbench appears VS Code may not know the extension's custom editors yet and
 * opens the binary in the text editor; a person would close that and click again, so do we.
 */
async function openFromExplorer(page, frame) {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: SAMPLE }).first();
  await row.waitFor({ timeout: 30_000 });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const clicked = Date.now();
    await row.dblclick();
    const painted = frame.locator('#rows .row:not(.empty)').first().waitFor({ timeout: 30_000 }).then(() => 'viewer', () => 'none');
    const binary = page.getByRole('button', { name: 'Open Anyway' }).waitFor({ timeout: 30_000 }).then(() => 'text', () => 'none');
    const what = await Promise.race([painted, binary]);
    if (what === 'viewer') {
      const at = (name) => frame.locator('body').getAttribute(`data-${name}-ms`);
      const [ready, init, progress, rows] = [await at('ready'), await at('init'), await at('first-progress'), await at('first-rows')];
      return `${Date.now() - clicked} ms after the click; in the webview document: script ready ${ready} ms, session open ${init} ms, first index progress ${progress} ms, rows painted ${rows} ms`;
    }
    if (Date.now() > deadline) throw new Error('the trace keeps opening in the text editor');
    await page.keyboard.press('Control+w');
    await page.waitForTimeout(1000);
  }
}

/** Opens a file outside the workspace by typing its path into Quick Open. */
async function openByPath(page, file) {
  // Keys typed while the webview has focus stay in the webview: focus the workbench first.
  await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).first().click();
  await page.keyboard.press('Control+p');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(file);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: path.basename(file) }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

export const traceViewerScenario = {
  name: 'binary trace viewer: rows, filter, jump, statistics',
  async run({ page, server, repo, results, workbenchUrl }) {
    const all = cliRecords(repo, []);
    await openWorkbench(page, server, workbenchUrl, path.join(repo, 'samples'));
    const frame = viewer(page);
    const first = await openFromExplorer(page, frame);
    console.log(`[integration] trace viewer: first rows painted ${first} (cold: activation and server start)`);
    await frame.locator('#status', { hasText: 'details in' }).waitFor({ timeout: 30_000 });
    // Open it again, as a person would after closing it: the server is up, the file is cold to the viewer.
    await page.keyboard.press('Control+w');
    await page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 10_000 });
    const again = await openFromExplorer(page, frame);
    console.log(`[integration] trace viewer: first rows painted ${again} (extension running)`);
    await frame.locator('#status', { hasText: 'details in' }).waitFor({ timeout: 30_000 });

    // The first screenful against the CLI's decoding of the same records.
    const rows = await renderedRows(frame);
    assert.ok(rows.length >= 5, `rows painted: ${rows.length}`);
    for (const cells of rows) {
      const want = all[Number(cells[0])];
      assert.ok(want, `row ${cells[0]} exists`);
      assert.equal(Number(cells[1]), want.cpu);
      assert.equal(cells[2].replace('*', ''), want.tsc ?? '—');
      assert.equal(cells[6], want.name);
    }
    await page.screenshot({ path: resultPath(results, 'trace-viewer-open.png') });

    // The page as the webview got it: a nonce-only CSP, every script after it carrying the nonce
    // (VS Code puts its own bridge script first, outside our policy), and no inline handler
    // anywhere in the rendered DOM (rows hold strings decoded from the file).
    const page_ = await frame.locator('html').evaluate(() => {
      const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
      const after = (el) => meta !== null && (meta.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
      return {
        csp: meta?.getAttribute('content') ?? '',
        scripts: Array.from(document.scripts).filter(after).map((s) => ({ nonce: s.nonce, inline: !s.src })),
        handlers: Array.from(document.querySelectorAll('*')).flatMap((el) => Array.from(el.attributes, (a) => a.name).filter((n) => n.startsWith('on'))),
      };
    });
    assert.match(page_.csp, /default-src 'none'/);
    assert.match(page_.csp, /script-src 'nonce-[A-Za-z0-9+/=]+'(;|$)/);
    assert.doesNotMatch(page_.csp, /unsafe-inline|unsafe-eval/);
    assert.ok(page_.scripts.length > 0 && page_.scripts.every((s) => s.nonce !== '' && !s.inline), JSON.stringify(page_.scripts));
    assert.deepEqual(page_.handlers, []);

    // Filter by event: only TRC_SCHED_SWITCH rows, as many as the CLI finds.
    const switches = cliRecords(repo, ['--event', 'TRC_SCHED_SWITCH']);
    await frame.locator('#f-event').fill('TRC_SCHED_SWITCH');
    await frame.locator('#f-event').press('Enter');
    await frame.locator('#filter-status', { hasText: `${switches.length.toLocaleString('en-US')} matches` }).waitFor({ timeout: 30_000 });
    await frame.locator('#rows .row:not(.empty) .c-event', { hasText: 'TRC_SCHED_SWITCH' }).first().waitFor({ timeout: 10_000 });
    const filtered = await renderedRows(frame);
    assert.ok(filtered.length > 0 && filtered.every((cells) => cells[6] === 'TRC_SCHED_SWITCH'), JSON.stringify(filtered.slice(0, 3)));
    assert.equal(Number(filtered[0][0]), switches[0].i);
    await page.screenshot({ path: resultPath(results, 'trace-viewer-filter.png') });
    await frame.locator('#filter-clear').click();

    // Jump to the TSC of record 150 000: that record (or one with the same TSC) is selected.
    const target = all[150_000];
    await frame.locator('#jump-kind').selectOption('tsc');
    await frame.locator('#jump').fill(target.tsc);
    await frame.locator('#jump').press('Enter');
    const selected = frame.locator('#rows .row.selected');
    await selected.waitFor({ timeout: 10_000 });
    const cells = await selected.evaluate((r) => Array.from(r.children, (c) => c.textContent ?? ''));
    assert.equal(cells[2].replace('*', ''), target.tsc);
    await frame.locator('#detail', { hasText: `offset ${all[Number(cells[0])].offset}` }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: resultPath(results, 'trace-viewer-jump.png') });

    // Keyboard: the down arrow selects the next record in file order.
    await frame.locator('#table').focus();
    await page.keyboard.press('ArrowDown');
    await frame.locator('#rows .row.selected .c-num', { hasText: new RegExp(`^${Number(cells[0]) + 1}$`) }).waitFor({ timeout: 10_000 });

    // Hidden and restored: open another file in the same group, come back, same place.
    const topBefore = (await renderedRows(frame))[0][0];
    await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).first().dblclick();
    await page.locator('iframe.webview.ready').first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
    await page.locator('.tabs-container .tab', { hasText: SAMPLE }).click();
    await frame.locator('#rows .row.selected').waitFor({ timeout: 20_000 });
    assert.equal((await renderedRows(frame))[0][0], topBefore);
    assert.equal(await frame.locator('#rows .row.selected .c-num').textContent(), String(Number(cells[0]) + 1));

    // Time order: rows merged across CPUs, TSCs never decrease down the screen.
    await frame.locator('#order').selectOption('time');
    await frame.locator('#rows .row:not(.empty)').first().waitFor({ timeout: 20_000 });
    // The selected record stays in view.
    await frame.locator('#rows .row.selected .c-num', { hasText: new RegExp(`^${Number(cells[0]) + 1}$`) }).waitFor({ timeout: 20_000 });
    // The painted sequence is the CLI's --order time sequence from the same record on.
    const timeRows = await renderedRows(frame);
    const cliTime = cliRecords(repo, ['--order', 'time']).map((r) => r.i);
    const at = cliTime.indexOf(Number(timeRows[0][0]));
    assert.ok(at >= 0 && timeRows.length > 5);
    assert.deepEqual(timeRows.map((c) => Number(c[0])), cliTime.slice(at, at + timeRows.length));
    // Scroll down a few pages with the wheel: still the CLI's sequence.
    for (let k = 0; k < 3; k++) await frame.locator('#rows').hover().then(() => page.mouse.wheel(0, 400));
    await page.waitForTimeout(500);
    const scrolled = await renderedRows(frame);
    const at2 = cliTime.indexOf(Number(scrolled[0][0]));
    assert.ok(at2 > at, `scrolled from ${at} to ${at2}`);
    assert.deepEqual(scrolled.map((c) => Number(c[0])), cliTime.slice(at2, at2 + scrolled.length));
    await page.screenshot({ path: resultPath(results, 'trace-viewer-time-order.png') });
    await frame.locator('#order').selectOption('file');

    // Export the selection as text: an untitled xentrace document opens.
    await frame.locator('#export-text').click();
    await page.locator('.monaco-editor .view-lines', { hasText: 'CPU' }).first().waitFor({ timeout: 20_000 });
    await page.locator('.tabs-container .tab', { hasText: 'Untitled' }).waitFor({ timeout: 10_000 });
    await page.screenshot({ path: resultPath(results, 'trace-viewer-export.png') });
    await page.locator('.tabs-container .tab', { hasText: SAMPLE }).click();

    // Statistics: per-CPU counts as the CLI's records say.
    await frame.locator('#show-stats').click();
    await frame.locator('#stats h2', { hasText: 'Statistics' }).waitFor({ timeout: 10_000 });
    const perCpu = await frame.locator('#stats .stats-cpu tr').evaluateAll((trs) => trs.map((tr) => [tr.children[0].textContent, Number(tr.children[1].textContent)]));
    const want = {};
    for (const r of all) want[r.cpu] = (want[r.cpu] ?? 0) + 1;
    assert.deepEqual(Object.fromEntries(perCpu), Object.fromEntries(Object.entries(want).map(([k, v]) => [k, v])));
    await page.screenshot({ path: resultPath(results, 'trace-viewer-stats.png') });
    await frame.locator('#stats .close').click();

    // Density strip: a click in the middle of CPU 0's lane selects a CPU 0 record from the middle of the trace.
    const owned = all.filter((r) => r.tsc !== null && !r.tscInherited).map((r) => BigInt(r.tsc));
    const firstTsc = owned.reduce((a, b) => (b < a ? b : a));
    const lastTsc = owned.reduce((a, b) => (b > a ? b : a));
    const strip = frame.locator('#density');
    const box = await strip.boundingBox();
    await strip.click({ position: { x: box.width / 2, y: 2 } });
    await frame.locator('#rows .row.selected').waitFor({ timeout: 10_000 });
    const picked = await frame.locator('#rows .row.selected').evaluate((r) => Array.from(r.children, (c) => c.textContent ?? ''));
    assert.equal(picked[1], '0');
    const where = Number(BigInt(picked[2].replace('*', '')) - firstTsc) / Number(lastTsc - firstTsc);
    assert.ok(where > 0.45 && where < 0.55, `clicked the middle, landed at ${where.toFixed(3)} of the trace`);
    await page.screenshot({ path: resultPath(results, 'trace-viewer-density.png') });
    const heap = await frame.locator('body').evaluate(() => performance.memory?.usedJSHeapSize ?? null);
    if (heap !== null) console.log(`[integration] trace viewer: webview JS heap ${(heap / 1048576).toFixed(1)} MB after scrolling, filtering and statistics`);
    // The extension host (VS Code's, with its built-in extensions) only relays rows; the server reads the file.
    const procs = processesUnder(server.child.pid);
    const extHost = procs.find((p) => /extensionHost/.test(p.cmdline));
    const lsp = procs.find((p) => /xenscope[^ ]*\/dist\/server\.js/.test(p.cmdline));
    console.log(`[integration] trace viewer: extension host RSS ${extHost ? extHost.rssMb.toFixed(0) : '?'} MB, XenScope server RSS ${lsp ? lsp.rssMb.toFixed(0) : '?'} MB`);

    // Bad files, opened by path through Quick Open: text named .xentrace, and a truncated trace.
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-ui-viewer-'));
    try {
      const notTrace = path.join(tmp, 'notes.xentrace');
      fs.writeFileSync(notTrace, 'not a trace at all\n');
      await openByPath(page, notTrace);
      await viewer(page).locator('#message .error-text', { hasText: 'not a xentrace file' }).waitFor({ timeout: 20_000 });
      const text = await viewer(page).locator('#message .error-text').textContent();
      assert.match(text, /at offset 0, found 6e 6f 74 20/);
      await page.screenshot({ path: resultPath(results, 'trace-viewer-not-a-trace.png') });
      await page.keyboard.press('Control+w');

      const cut = path.join(tmp, 'cut.xentrace');
      const cutAt = all[100_000].offset + 3;
      fs.writeFileSync(cut, fs.readFileSync(path.join(repo, 'samples', SAMPLE)).subarray(0, cutAt));
      await openByPath(page, cut);
      const problem = viewer(page).locator('#problems .problem');
      await problem.waitFor({ timeout: 20_000 });
      assert.match(await problem.textContent(), new RegExp(`offset ${all[100_000].offset} .*truncated|offset ${all[100_000].offset} .*file ends`));
      await page.screenshot({ path: resultPath(results, 'trace-viewer-truncated.png') });
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  },
};
