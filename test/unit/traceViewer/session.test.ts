// Paging, the index and the queries of a viewer session, on a trace written from the format
// definition: expected rows are the records the generator says it wrote.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { TraceSession } from '../../../server/src/traceViewer/session';
import type { TraceIndexProgress, TraceRow } from '../../../server/src/protocol/traceViewer';
import { effectiveTscs, PM_IDLE_ENTRY, SWITCH, writeTestTrace, type TestTrace } from './traceFile';

async function open(path: string, every = 16): Promise<{ session: TraceSession; progress: TraceIndexProgress[] }> {
  const progress: TraceIndexProgress[] = [];
  const s = await TraceSession.open(path, 't', (p) => progress.push(p), every);
  assert.ok(s instanceof TraceSession, JSON.stringify(s));
  await s.built;
  return { session: s, progress };
}

describe('trace viewer session', () => {
  let t: TestTrace;
  let session: TraceSession;
  let progress: TraceIndexProgress[];
  let tscs: (bigint | null)[];
  before(async () => {
    t = writeTestTrace();
    tscs = effectiveTscs(t.written);
    ({ session, progress } = await open(t.path));
  });
  after(async () => {
    await session.close();
    rmSync(dirname(t.path), { recursive: true, force: true });
  });

  it('indexes every written record (30 windows × 42 records; WRAP_BUFFER pads are not records)', () => {
    assert.equal(t.written.length, 30 * 42);
    const last = progress[progress.length - 1]!;
    assert.equal(last.done, true);
    assert.equal(last.detailsDone, true);
    // The index is announced complete before the details pass starts.
    assert.ok(progress.some((p) => p.done && !p.detailsDone && p.records === 1260));
    assert.equal(last.records, 1260);
    assert.deepEqual(last.cpus, [0, 1, 2]);
    assert.equal(last.problemCount, 0);
    // CPU 0's first TSC is 1000·1 + 0; the last is CPU 2's 41st of its 10 windows: 1000·410 + 2.
    assert.equal(last.firstTsc, '1000');
    assert.equal(last.lastTsc, String(1000 * 410 + 2));
  });

  it('returns rows by range anywhere in the file (seeks from a sample every 16 records)', async () => {
    for (const start of [0, 15, 16, 17, 500, 1250]) {
      const { rows, total } = await session.rows(start, 10);
      assert.equal(total, 1260);
      assert.equal(rows.length, Math.min(10, 1260 - start));
      rows.forEach((row, k) => {
        const w = t.written[start + k]!;
        assert.equal(row.i, start + k);
        assert.equal(row.offset, w.offset);
        assert.equal(row.cpu, w.cpu);
        assert.equal(row.event, w.event);
        assert.equal(row.tsc, tscs[start + k]?.toString() ?? null);
        assert.equal(row.tscInherited, w.tsc === undefined && tscs[start + k] !== null);
      });
    }
  });

  it('says which domain and vCPU run on the record CPU, from the last TRC_SCHED_SWITCH', async () => {
    for (const start of [0, 40, 41, 42, 43, 700, 1219]) {
      const [row] = (await session.rows(start, 1)).rows;
      assert.deepEqual({ dom: row!.dom, vcpu: row!.vcpu }, t.running[start], `record ${start}`);
    }
  });

  it('clamps ranges past the end and caps the count', async () => {
    assert.equal((await session.rows(5000, 10)).rows.length, 0);
    assert.equal((await session.rows(0, 1_000_000)).rows.length, 1260);
  });

  it('details a record with its bytes as they are in the file', async () => {
    const i = 3; // window 0: INJ_VIRQ, SWITCH, VMENTRY, PM_IDLE_ENTRY ← this one (TSC + 4 words = 28 bytes)
    const d = await session.detail(i);
    assert.ok(d);
    assert.equal(d.event, PM_IDLE_ENTRY);
    assert.equal(d.size, 28);
    const w = t.written[i]!;
    assert.deepEqual(d.bytes, Array.from(t.buf.subarray(w.offset, w.offset + 28), (b) => b.toString(16).padStart(2, '0')));
    assert.deepEqual(d.words, ['0x00000001', '0x00000001', '0x00000064', '0x0000005a']);
    // The detail must survive the JSON of the LSP connection unchanged (no bigint, no undefined).
    assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
  });

  it('pages through time order forwards and backwards without losing or repeating a record', async () => {
    const seen: TraceRow[] = [];
    let page = await session.timeRows({ count: 100 });
    while (page.rows.length > 0) {
      seen.push(...page.rows);
      const last = page.rows[page.rows.length - 1]!;
      page = await session.timeRows({ after: { tsc: last.tsc, cpu: last.cpu, i: last.i }, count: 100 });
    }
    assert.equal(seen.length, 1260);
    assert.equal(new Set(seen.map((r) => r.i)).size, 1260);
    // Records without a TSC come first (one per CPU: the INJ_VIRQ before each CPU's first SWITCH), then TSCs never decrease.
    assert.deepEqual(seen.slice(0, 3).map((r) => r.tsc), [null, null, null]);
    for (let k = 4; k < seen.length; k++) assert.ok(BigInt(seen[k]!.tsc!) >= BigInt(seen[k - 1]!.tsc!), `time order at ${k}`);
    const at = seen[700]!;
    const back = await session.timeRows({ before: { tsc: at.tsc, cpu: at.cpu, i: at.i }, count: 50 });
    assert.deepEqual(back.rows.map((r) => r.i), seen.slice(650, 700).map((r) => r.i));
  });

  it('jumps to a record, to a TSC and to a time', async () => {
    assert.deepEqual(await session.jump({ record: 7 }), { i: 7 });
    assert.match((await session.jump({ record: 1260 })).error ?? '', /past the last record \(1259\)/);
    // TSC 5001 is CPU 1's 5th TSC; the first record at or after it is that record.
    const want = tscs.findIndex((x, i) => x === 5001n && t.written[i]!.tsc !== undefined);
    assert.deepEqual(await session.jump({ tsc: '5001' }), { i: want, tsc: '5001' });
    // 4 µs at 1 GHz after the first TSC (1000) is TSC 5000: CPU 0's 5th TSC.
    const want0 = tscs.findIndex((x, i) => x === 5000n && t.written[i]!.tsc !== undefined);
    assert.equal((await session.jump({ timeUs: 4, tscHz: 1e9 })).i, want0);
    assert.match((await session.jump({ tsc: 'soon' })).error ?? '', /not a TSC/);
  });

  it('counts per CPU, lost nothing, and counts records that inherit a TSC', () => {
    const s = session.statistics();
    assert.equal(s.records, 1260);
    assert.deepEqual(s.perCpu, { '0': 420, '1': 420, '2': 420 });
    assert.equal(s.perEvent.TRC_SCHED_SWITCH, 30);
    // Only INJ_VIRQ records lack a TSC; the first one on each CPU has nothing to inherit.
    assert.equal(s.inheritedTsc, 30 - 3);
    assert.equal(s.lostRecords.records, 0);
    assert.equal(s.complete, true);
  });

  it('builds a density strip whose samples add up to the records with a TSC', () => {
    const d = session.densityStrip(10);
    assert.ok(d);
    assert.deepEqual(d.cpus, [0, 1, 2]);
    // One sample per 256 records of a CPU that has a TSC, each worth 256: per CPU 420 records,
    // samples at the CPU's records 0 and 256, of which record 0 (INJ_VIRQ) has no TSC.
    for (const row of d.counts) assert.equal(row.reduce((a, b) => a + b, 0), 256);
    const zoomed = session.densityStrip(4, '1000', '2000');
    assert.ok(zoomed);
    assert.equal(zoomed.fromTsc, '1000');
  });

  it('exports a range as text lines and as JSON', async () => {
    const text = await session.exportRange(0, 3, 'text');
    const lines = text.text.trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^CPU0 - \(\+\s+0\) TRC_HVM_INJ_VIRQ /);
    assert.match(lines[1]!, /^CPU0 1000 \(\+\s+0\) TRC_SCHED_SWITCH /);
    assert.match(lines[2]!, /^CPU0 2000 \(\+\s+1000\) TRC_HVM_VMENTRY/);
    const json = JSON.parse((await session.exportRange(10, 12, 'json')).text) as { i: number; offset: number }[];
    assert.deepEqual(json.map((r) => [r.i, r.offset]), [10, 11, 12].map((i) => [i, t.written[i]!.offset]));
  });
});

describe('trace viewer session on bad files', () => {
  const dir = dirname(writeTestTrace(3, 4).path);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a file that is not a trace, naming the bytes at offset 0', async () => {
    const p = join(dir, 'text.txt');
    writeFileSync(p, 'Linux version 6.1\n');
    const s = await TraceSession.open(p, 'x', () => undefined);
    assert.ok('notATrace' in s);
    assert.equal(s.notATrace.offset, 0);
    assert.match(s.notATrace.message, /found 4c 69 6e 75$/);
  });

  it('refuses an empty file and reports a missing one', async () => {
    const p = join(dir, 'empty.xentrace');
    writeFileSync(p, '');
    const s = await TraceSession.open(p, 'x', () => undefined);
    assert.ok('notATrace' in s && /an empty file/.test(s.notATrace.message));
    const missing = await TraceSession.open(join(dir, 'nope'), 'x', () => undefined);
    assert.ok('error' in missing && /cannot read/.test(missing.error));
  });

  it('opens a truncated trace and reports the cut at its offset', async () => {
    const t = writeTestTrace(6, 10);
    const cutAt = t.written[40]!.offset + 2; // two bytes into record 40's header
    const p = join(dirname(t.path), 'cut.xentrace');
    writeFileSync(p, t.buf.subarray(0, cutAt));
    const { session, progress } = await open(p);
    const last = progress[progress.length - 1]!;
    assert.equal(last.records, 40);
    assert.deepEqual(last.problems.map((x) => [x.kind, x.offset]), [['truncated', t.written[40]!.offset]]);
    assert.equal((await session.rows(35, 10)).rows.length, 5);
    await session.close();
    rmSync(dirname(t.path), { recursive: true, force: true });
  });

  it('answers requests that overlap in time as it answers them one by one', async () => {
    // The webview asks for rows while a detail is being read: both seek the same reader.
    const t = writeTestTrace(300, 200);
    const s = await TraceSession.open(t.path, 'z', () => undefined, 64);
    assert.ok(s instanceof TraceSession);
    await s.built;
    const at = Array.from({ length: 40 }, (_, k) => (k * 7919) % t.written.length);
    const [details, rows] = await Promise.all([Promise.all(at.map((i) => s.detail(i))), Promise.all(at.map((i) => s.rows(i, 3)))]);
    at.forEach((i, k) => {
      assert.equal(details[k]?.offset, t.written[i]!.offset, `detail of record ${i}`);
      assert.deepEqual(rows[k]!.rows.map((r) => r.offset), t.written.slice(i, i + 3).map((w) => w.offset), `rows from record ${i}`);
    });
    await s.close();
    rmSync(dirname(t.path), { recursive: true, force: true });
  });

  it('serves rows while the index is still being built', async () => {
    const t = writeTestTrace(300, 200);
    const s = await TraceSession.open(t.path, 'y', () => undefined, 64);
    assert.ok(s instanceof TraceSession);
    // Wait for the first chunk only: rows near the start are there long before the end.
    while (s.index.records < 100) await new Promise((r) => setImmediate(r));
    const early = await s.rows(0, 20);
    assert.equal(early.rows.length, 20);
    assert.equal(early.rows[19]!.offset, t.written[19]!.offset);
    await s.built;
    assert.equal(s.index.records, 300 * 202);
    await s.close();
    rmSync(dirname(t.path), { recursive: true, force: true });
  });
});

describe('filters over a session', () => {
  let t: TestTrace;
  let session: TraceSession;
  before(async () => {
    t = writeTestTrace();
    ({ session } = await open(t.path));
  });
  after(async () => {
    await session.close();
    rmSync(dirname(t.path), { recursive: true, force: true });
  });

  const expect = (pred: (i: number) => boolean) => t.written.map((_, i) => i).filter(pred);

  it('finds every record of an event, by name or by ID, in file order', async () => {
    for (const events of [['TRC_SCHED_SWITCH'], ['sched_switch'], ['0x0002800a']]) {
      const f = session.startFilter({ events }, () => undefined);
      assert.ok('filter' in f);
      const { matches, scanned } = await session.filterDone(f.filter);
      assert.equal(scanned, 1260);
      assert.deepEqual(matches, expect((i) => t.written[i]!.event === SWITCH));
    }
  });

  it('combines CPU, class, domain and vCPU terms', async () => {
    const f = session.startFilter({ cpus: [1], classes: ['hw'], doms: [1, 3], vcpus: [1] }, () => undefined);
    assert.ok('filter' in f);
    const { matches } = await session.filterDone(f.filter);
    const want = expect((i) => {
      const w = t.written[i]!;
      const r = t.running[i]!;
      return w.cpu === 1 && w.event >>> 16 === 0x080 && (r.dom === 1 || r.dom === 3) && r.vcpu === 1;
    });
    assert.ok(want.length > 0);
    assert.deepEqual(matches, want);
  });

  it('matches free text in decoded fields', async () => {
    // INJ_VIRQ's first word is the vector: window w wrote 0x20 + w, so "vector=0x2a" is window 10 only.
    const f = session.startFilter({ text: 'vector=0x2a' }, () => undefined);
    assert.ok('filter' in f);
    const { matches } = await session.filterDone(f.filter);
    assert.deepEqual(matches, [10 * 42]);
  });

  it('pages through matches and finds the next and previous match', async () => {
    const f = session.startFilter({ events: ['TRC_SCHED_SWITCH'] }, () => undefined);
    assert.ok('filter' in f);
    await session.filterDone(f.filter);
    const rows = await session.rows(2, 3, f.filter);
    // SWITCH is the second record of each 42-record window.
    assert.deepEqual(rows.rows.map((r) => r.i), [2 * 42 + 1, 3 * 42 + 1, 4 * 42 + 1]);
    assert.equal(rows.total, 30);
    assert.deepEqual(session.nextMatch(f.filter, 43, 1), { i: 85, match: 2 });
    assert.deepEqual(session.nextMatch(f.filter, 43, -1), { i: 1, match: 0 });
    assert.equal(session.nextMatch(f.filter, 1, -1), null);
  });

  it('refuses unknown classes and events with their names', () => {
    assert.match(JSON.stringify(session.startFilter({ classes: ['gpu'] }, () => undefined)), /unknown event class \\"gpu\\"/);
    assert.match(JSON.stringify(session.startFilter({ events: ['TRC_NOPE'] }, () => undefined)), /unknown event \\"TRC_NOPE\\"/);
  });

  it('can be cancelled', async () => {
    const big = writeTestTrace(600, 400);
    const { session: s } = await open(big.path, 1024);
    const updates: boolean[] = [];
    const f = s.startFilter({ text: 'no such text anywhere' }, (p) => updates.push(p.cancelled));
    assert.ok('filter' in f);
    s.cancelFilter(f.filter);
    const { scanned } = await s.filterDone(f.filter);
    assert.ok(scanned < 600 * 402, `scanned ${scanned}`);
    assert.equal(updates[updates.length - 1], true);
    await s.close();
    rmSync(dirname(big.path), { recursive: true, force: true });
  });
});
