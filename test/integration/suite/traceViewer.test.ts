// The binary trace viewer in a real VS Code: the custom editor opens the sample trace by default,
// the extension host relays the webview's requests to the language server, and what comes back
// matches the bytes of the file. Rows are checked through the panel's relay (the test-only
// command xenscope.traceViewer.request) against an independent walk of the file's bytes; the UI
// scenario (test/integration/ui/traceViewer.mjs) checks what the webview actually paints.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TraceFilterProgress, TraceIndexProgress, TraceRecordDetail, TraceRowsResult, TraceStatsResult, TraceJumpResult } from '../../../server/src/protocol/traceViewer';
import { activateXenScope, SAMPLES, until } from './helpers';

const SAMPLE = path.join(SAMPLES, 'hvm-8cpu.xentrace');

interface PanelInfo {
  uri: string;
  session?: string;
  progress?: TraceIndexProgress;
  filter?: TraceFilterProgress;
  openFailed?: string;
}

/** Records as written in the file: windows of (03 f0 01 20, cpu, length) and t_rec headers. */
interface RawRecord {
  offset: number;
  cpu: number;
  event: number;
  tsc: bigint | null;
  words: number[];
}

/** A direct walk of trace.h's layout, independent of the decoder under test. */
function walk(buf: Buffer): RawRecord[] {
  const out: RawRecord[] = [];
  const last = new Map<number, bigint>();
  let pos = 0;
  while (pos + 12 <= buf.length && buf.readUInt32LE(pos) === 0x2001f003) {
    const cpu = buf.readUInt32LE(pos + 4);
    const end = pos + 12 + buf.readUInt32LE(pos + 8);
    pos += 12;
    while (pos < end && pos + 4 <= buf.length) {
      const h = buf.readUInt32LE(pos);
      const n = (h >>> 28) & 7;
      const hasTsc = h >>> 31 === 1;
      const size = 4 + (hasTsc ? 8 : 0) + 4 * n;
      if (hasTsc) last.set(cpu, (BigInt(buf.readUInt32LE(pos + 8)) << 32n) | BigInt(buf.readUInt32LE(pos + 4)));
      const event = h & 0x0fffffff;
      const at = pos + (hasTsc ? 12 : 4);
      const words = Array.from({ length: n }, (_, k) => buf.readUInt32LE(at + 4 * k));
      if (event !== 0x0001f002) out.push({ offset: pos, cpu, event, tsc: last.get(cpu) ?? null, words });
      pos += size;
    }
    pos = end;
  }
  return out;
}

async function panelFor(uri: vscode.Uri, ready: (p: PanelInfo) => boolean): Promise<PanelInfo> {
  return until(`the trace viewer of ${uri.fsPath}`, async () => {
    const panels = await vscode.commands.executeCommand<PanelInfo[]>('xenscope.traceViewer.inspect');
    return panels.find((p) => p.uri === uri.toString() && ready(p));
  });
}

function viewerRequest<T>(uri: vscode.Uri, method: string, params: object): Thenable<T> {
  return vscode.commands.executeCommand<T>('xenscope.traceViewer.request', uri.toString(), method, params);
}

suite('binary trace viewer in a real VS Code', () => {
  const uri = vscode.Uri.file(SAMPLE);
  const bytes = fs.readFileSync(SAMPLE);
  const raw = walk(bytes);
  let tmp: string;

  suiteSetup(async () => {
    await activateXenScope();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-viewer-'));
  });
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('a .xentrace file opens in the trace viewer by default', async () => {
    await vscode.commands.executeCommand('vscode.open', uri);
    const tab = await until('the viewer tab', async () => {
      const t = vscode.window.tabGroups.activeTabGroup.activeTab;
      return t?.input instanceof vscode.TabInputCustom ? t : undefined;
    });
    assert.equal((tab.input as vscode.TabInputCustom).viewType, 'xenscope.traceViewer');
  });

  test('the index covers every record of the file', async () => {
    const panel = await panelFor(uri, (p) => p.progress?.done === true);
    assert.equal(panel.progress!.records, raw.length);
    assert.equal(panel.progress!.problemCount, 0);
    assert.deepEqual(panel.progress!.cpus, [...new Set(raw.map((r) => r.cpu))].sort((a, b) => a - b));
  });

  test('rows by range match the file: offset, CPU, TSC, event', async () => {
    for (const start of [0, 1234, raw.length - 7]) {
      const result = await viewerRequest<TraceRowsResult>(uri, 'rows', { start, count: 7 });
      assert.equal(result.total, raw.length);
      assert.equal(result.rows.length, 7);
      result.rows.forEach((row, k) => {
        const want = raw[start + k]!;
        assert.equal(row.i, start + k);
        assert.equal(row.offset, want.offset);
        assert.equal(row.cpu, want.cpu);
        assert.equal(row.event, want.event);
        assert.equal(row.tsc, want.tsc === null ? null : want.tsc.toString());
      });
    }
  });

  test('the detail pane shows the raw bytes at the record offset', async () => {
    const i = 4321;
    const d = await viewerRequest<TraceRecordDetail>(uri, 'detail', { i });
    const want = raw[i]!;
    assert.equal(d.offset, want.offset);
    assert.deepEqual(d.bytes, Array.from(bytes.subarray(want.offset, want.offset + d.size), (b) => b.toString(16).padStart(2, '0')));
    assert.deepEqual(d.words, want.words.map((w) => '0x' + w.toString(16).padStart(8, '0')));
  });

  test('a filter by event finds every TRC_SCHED_SWITCH (0x0002800a)', async () => {
    const started = await viewerRequest<{ filter?: string }>(uri, 'filterStart', { filter: { events: ['TRC_SCHED_SWITCH'] } });
    assert.ok(started.filter);
    const panel = await panelFor(uri, (p) => p.filter?.filter === started.filter && p.filter?.done === true);
    const expected = raw.filter((r) => r.event === 0x0002800a).length;
    assert.equal(panel.filter!.matches, expected);
    const rows = await viewerRequest<TraceRowsResult>(uri, 'rows', { start: 0, count: 50, filter: started.filter });
    assert.ok(rows.rows.every((r) => r.name === 'TRC_SCHED_SWITCH'));
    assert.equal(rows.rows[0]!.offset, raw.find((r) => r.event === 0x0002800a)!.offset);
  });

  test('jump to a TSC lands on the earliest record at or after it', async () => {
    const target = raw[90_000]!.tsc! + 1n;
    const jumped = await viewerRequest<TraceJumpResult>(uri, 'jump', { to: { tsc: target.toString() } });
    // Earliest by (TSC, CPU, file position) among records whose TSC is >= target.
    let best = -1;
    raw.forEach((r, i) => {
      if (r.tsc === null || r.tsc < target) return;
      const b = raw[best];
      if (best < 0 || r.tsc < b!.tsc! || (r.tsc === b!.tsc && (r.cpu < b!.cpu || (r.cpu === b!.cpu && i < best)))) best = i;
    });
    assert.equal(jumped.i, best);
  });

  test('statistics count records per CPU', async () => {
    await panelFor(uri, (p) => p.progress?.detailsDone === true);
    const s = await viewerRequest<TraceStatsResult>(uri, 'stats', {});
    assert.equal(s.complete, true);
    assert.equal(s.records, raw.length);
    const perCpu: Record<string, number> = {};
    for (const r of raw) perCpu[r.cpu] = (perCpu[r.cpu] ?? 0) + 1;
    assert.deepEqual(Object.fromEntries(Object.entries(s.perCpu).sort()), Object.fromEntries(Object.entries(perCpu).sort()));
  });

  test('a file that is not a trace shows a clear message', async () => {
    const file = path.join(tmp, 'notes.bin');
    fs.writeFileSync(file, 'hello, this is text\n');
    const other = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.openWith', other, 'xenscope.traceViewer.anyFile');
    const panel = await panelFor(other, (p) => p.openFailed !== undefined);
    assert.match(panel.openFailed!, /not a xentrace file: expected a CPU_CHANGE record \(bytes 03 f0 01 20\) at offset 0, found 68 65 6c 6c/);
  });

  test('the viewer reloads when the file changes on disk', async () => {
    const file = path.join(tmp, 'growing.xentrace');
    fs.writeFileSync(file, bytes.subarray(0, raw[50_000]!.offset));
    const growing = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', growing);
    const before = await panelFor(growing, (p) => p.progress?.done === true);
    assert.equal(before.progress!.records, 50_000);
    fs.writeFileSync(file, bytes);
    const after = await panelFor(growing, (p) => p.progress?.done === true && p.session !== before.session);
    assert.equal(after.progress!.records, raw.length);
  });

  test('a trace with another name, opened as text, is offered to the viewer', async () => {
    const file = path.join(tmp, 'capture.bin');
    fs.writeFileSync(file, bytes.subarray(0, 4096));
    const other = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', other);
    await until('the offer', async () => {
      const offered = await vscode.commands.executeCommand<string[]>('xenscope.traceViewer.offered');
      return offered.includes(other.toString()) ? true : undefined;
    });
  });

  test('a truncated trace opens with the problem at its offset', async () => {
    // Cut 3 bytes into the record that starts at the 100 000th record's offset.
    const cut = raw[100_000]!.offset + 3;
    const file = path.join(tmp, 'cut.xentrace');
    fs.writeFileSync(file, bytes.subarray(0, cut));
    const cutUri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', cutUri);
    const panel = await panelFor(cutUri, (p) => p.progress?.done === true);
    assert.equal(panel.progress!.records, 100_000);
    const problem = panel.progress!.problems.find((p) => p.kind === 'truncated');
    assert.ok(problem, JSON.stringify(panel.progress!.problems));
    assert.equal(problem.offset, raw[100_000]!.offset);
  });
});
