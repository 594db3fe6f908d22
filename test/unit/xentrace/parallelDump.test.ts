// The parallel dump must print exactly what the one-thread dump prints: same lines in the same
// order, same deltas, same problems. Small blocks put many block boundaries in small files.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../../server/src/cli';
import { parallelDump, type DumpJob, type ProgressReport } from '../../../server/src/cli/parallelDump';
import { syntheticTrace } from '../../xentrace-gen/synthetic';

const ROOT = path.join(__dirname, '../../..');
const S1 = path.join(ROOT, 'test/fixtures/xentrace/xentrace-parser-rs-example.bin');
const LOST = path.join(ROOT, 'test/fixtures/xentrace/xen-4.17-qemu-all-smallbuf-lost-records.head.trace');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-parallel-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function oneThread(...argv: string[]): Promise<{ out: string; err: string }> {
  let out = '';
  let err = '';
  await main(['trace', 'dump', ...argv, '--jobs', '1'], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { out, err };
}

async function threads(job: Partial<DumpJob> & { file: string }): Promise<{ out: string; problems: string[]; records: number }> {
  const parts: Buffer[] = [];
  const r = await parallelDump({ json: false, cpu: undefined, events: [], progress: false, workers: 2, blockRecords: 8192, ...job }, (b, written) => {
    parts.push(Buffer.from(b)); // a copy: the buffer goes back to its worker
    written();
    return undefined;
  });
  return { out: Buffer.concat(parts).toString('utf8'), problems: r.problems.map((p) => `offset ${p.offset}: ${p.message}`), records: r.records };
}

/** A synthetic trace with a window length corrupted in the middle and the tail cut inside a record. */
function corruptTrace(name: string, seed: number, cpus: number): string {
  const { buf } = syntheticTrace({ seed, cpus, windows: 40, recordsPerWindow: 50 });
  const file = path.join(dir, name);
  const bad = Buffer.from(buf.subarray(0, buf.length - 6));
  const mid = bad.indexOf(Buffer.from([0x03, 0xf0, 0x01, 0x20]), bad.length >> 1);
  bad.writeUInt32LE(0x7ffffffe, mid + 8);
  fs.writeFileSync(file, bad);
  return file;
}

describe('parallel trace dump', () => {
  it('the 8-CPU fixture, text and JSON, 3 workers, blocks of 1000 records: byte for byte the one-thread output', async () => {
    for (const json of [false, true]) {
      const want = await oneThread(S1, ...(json ? ['--json'] : []));
      const got = await threads({ file: S1, json, workers: 3, blockRecords: 1000 });
      assert.equal(got.records, 180466);
      assert.ok(got.out === want.out, `${json ? 'JSON' : 'text'} output differs`);
    }
  });

  it('--cpu (text deltas across blocks) and --event with --json', async () => {
    const cpu = await threads({ file: S1, cpu: 5, blockRecords: 777 });
    assert.ok(cpu.out === (await oneThread(S1, '--cpu', '5')).out);
    assert.ok(cpu.out.length > 0);
    const hvm = await threads({ file: S1, json: true, events: ['TRC_SCHED_SWITCH'], blockRecords: 333 });
    assert.ok(hvm.out === (await oneThread(S1, '--json', '--event', 'TRC_SCHED_SWITCH')).out);
    assert.ok(hvm.out.length > 0);
  });

  it('lost records and inherited TSCs, blocks of 7 records', async () => {
    const got = await threads({ file: LOST, blockRecords: 7 });
    assert.ok(got.out === (await oneThread(LOST)).out);
  });

  it('a corrupt, truncated trace: the same lines and the same problems', async () => {
    const file = corruptTrace('bad.trace', 9, 3);
    const want = await oneThread(file);
    const got = await threads({ file, blockRecords: 13 });
    assert.ok(got.out === want.out);
    assert.ok(got.problems.length >= 2);
    assert.deepEqual(got.problems.map((p) => `xenscope trace: ${file}: ${p}\n`).join(''), want.err);
  });

  it('time order, text and JSON, 3 workers, blocks of 1000 printed records: byte for byte the one-thread merge', async () => {
    for (const json of [false, true]) {
      const want = await oneThread(S1, '--order', 'time', ...(json ? ['--json'] : []));
      const got = await threads({ file: S1, order: 'time', json, workers: 3, blockRecords: 1000 });
      assert.equal(got.records, 180466);
      assert.ok(got.out.length > 0 && got.out === want.out, `${json ? 'JSON' : 'text'} output differs`);
      // It is a merge: the output differs from file order.
      assert.ok(got.out !== (await oneThread(S1, ...(json ? ['--json'] : []))).out);
    }
  });

  it('time order with --cpu, lost records, and a corrupt truncated trace: the same lines and problems', async () => {
    const cpu = await threads({ file: S1, order: 'time', cpu: 5, blockRecords: 777 });
    assert.ok(cpu.out.length > 0 && cpu.out === (await oneThread(S1, '--order', 'time', '--cpu', '5')).out);
    const lost = await threads({ file: LOST, order: 'time', blockRecords: 7 });
    assert.ok(lost.out === (await oneThread(LOST, '--order', 'time')).out);
    const file = corruptTrace('bad-time.trace', 11, 4);
    const want = await oneThread(file, '--order', 'time');
    const got = await threads({ file, order: 'time', blockRecords: 13 });
    assert.ok(got.out.length > 0 && got.out === want.out);
    assert.ok(got.problems.length >= 2);
    assert.deepEqual(got.problems.map((p) => `xenscope trace: ${file}: ${p}\n`).join(''), want.err);
  });

  it('progress from the workers: bytes while indexing, then records merged out of all of them', async () => {
    const reports: ProgressReport[] = [];
    await parallelDump({ file: S1, order: 'time', json: true, cpu: undefined, events: [], progress: true, workers: 2, blockRecords: 1000 }, (_b, written) => void written(), (p) => reports.push(p));
    const bytes = reports.flatMap((p) => ('bytes' in p ? [p.bytes] : []));
    const merged = reports.flatMap((p) => ('records' in p ? [p] : []));
    assert.ok(bytes.length > 0 && bytes.every((b, k) => b > 0 && b <= fs.statSync(S1).size && (k === 0 || b >= bytes[k - 1]!)));
    // One report per 65,536 records merged: 180,466 records give two.
    assert.deepEqual(merged.map((p) => [p.records, p.of]), [[65536, 180466], [131072, 180466]]);
    assert.ok(reports.findIndex((p) => 'records' in p) > reports.findLastIndex((p) => 'bytes' in p), 'the merge comes after the index');
  });

  it('the CLI takes --jobs and checks it', async () => {
    let err = '';
    const code = await main(['trace', 'dump', S1, '--jobs', '0'], { stdout: () => undefined, stderr: (t) => void (err += t) });
    assert.equal(code, 2);
    assert.match(err, /--jobs needs a number of threads from 1 to 64/);
    let out = '';
    await main(['trace', 'dump', LOST, '--jobs', '2'], { stdout: (t) => void (out += t), stderr: () => undefined });
    assert.ok(out === (await oneThread(LOST)).out);
  });
});
