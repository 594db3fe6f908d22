import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as fc from 'fast-check';
import { LogPieceParser, type PieceParserOptions } from '../../../server/src/core/oops/pieceParser';
import { parseLogBytes } from '../../../server/src/core/oops/logFile';
import { parseLog, type ParsedLog } from '../../../server/src/core/oops/reports';

// The piecewise parse must give what parseLog gives on the whole text (parseLog is tested line
// by line against the fixture logs in corpus.test.ts). Tiny pieces put a boundary inside nearly
// every report, `cut here` block and register dump of the corpus.

const LOGS = path.join(__dirname, '../../fixtures/oops/logs');
const logs = fs.readdirSync(LOGS).sort().map((f) => fs.readFileSync(path.join(LOGS, f), 'utf8'));
const corpus = logs.join('');

/** Pushes `text` in chunks of the given sizes (cycled), then ends. */
function piecewise(text: string, options: PieceParserOptions, chunks: readonly number[]): ParsedLog {
  const parser = new LogPieceParser(options);
  for (let at = 0, k = 0; at < text.length; k++) {
    const n = Math.max(1, chunks[k % chunks.length]!);
    parser.push(text.slice(at, at + n));
    at += n;
  }
  return parser.end();
}

function assertSameParse(text: string, options: PieceParserOptions, chunks: readonly number[]): void {
  const expected = parseLog(text);
  const actual = piecewise(text, options, chunks);
  assert.equal(actual.reports.length, expected.reports.length, 'report count');
  for (let r = 0; r < expected.reports.length; r++) assert.deepEqual(actual.reports[r], expected.reports[r], `report ${r} (line ${expected.reports[r]!.line + 1})`);
  assert.deepEqual(actual, expected);
}

describe('LogPieceParser gives what parseLog gives on the whole text', () => {
  it('the 48 fixture logs, one after another, in pieces from one line to 64 KiB', () => {
    assert.ok(parseLog(corpus).reports.length > 100);
    for (const pieceChars of [1, 300, 4096, 65536]) {
      assertSameParse(corpus, { pieceChars, firstPieceChars: pieceChars }, [1000, 77, 4093, 1, 20000]);
    }
  });

  it('each fixture log alone, in pieces of a line or two', () => {
    for (const text of logs) assertSameParse(text, { pieceChars: 80, firstPieceChars: 80 }, [37, 211]);
  });

  it('random selections of the logs, random chunk and piece sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat(logs.length - 1), { minLength: 1, maxLength: 12 }),
        fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 20000 }),
        fc.integer({ min: 1, max: 20000 }),
        (picks, chunks, pieceChars, firstPieceChars) => {
          assertSameParse(picks.map((p) => logs[p]).join(''), { pieceChars, firstPieceChars }, chunks);
        },
      ),
      { numRuns: 25, seed: 20261122 },
    );
  });

  it('a report cut by a piece boundary just after its `cut here` line, and a panic line just after a report', () => {
    const text = [
      'kernel: ------------[ cut here ]------------',
      'WARNING: CPU: 1 PID: 61 at kernel/sched/core.c:100 resched_curr+0x10/0x20',
      'Call Trace:',
      ' resched_curr+0x10/0x20',
      ' check_preempt_curr+0x3a/0x70',
      '---[ end trace 0000000000000000 ]---',
      'Kernel panic - not syncing: panic_on_warn set ...',
      'unrelated line',
      '',
    ].join('\n');
    for (let cut = 1; cut < text.length; cut++) assertSameParse(text, { pieceChars: 1, firstPieceChars: 1 }, [cut, text.length]);
    // parseLog: a panic line up to 3 lines after a report's end extends it, one further starts a report.
    for (let gap = 0; gap <= 5; gap++) {
      const spaced = text.replace('---\nKernel panic', '---\n' + 'filler\n'.repeat(gap) + 'Kernel panic');
      assert.equal(parseLog(spaced).reports.length, gap <= 2 ? 1 : 2);
      for (let cut = 1; cut < spaced.length; cut += 3) assertSameParse(spaced, { pieceChars: 1, firstPieceChars: 1 }, [cut, spaced.length]);
    }
  });

  it('a snapshot after each piece holds the whole parse\'s first reports, unchanged by later text', () => {
    const whole = parseLog(corpus);
    const parser = new LogPieceParser({ pieceChars: 20000, firstPieceChars: 5000 });
    let snapshots = 0;
    for (let at = 0; at < corpus.length; at += 3000) {
      if (!parser.push(corpus.slice(at, at + 3000))) continue;
      const seen = parser.snapshot();
      snapshots++;
      assert.ok(seen.reports.length > 0 || at < 50000);
      for (let r = 0; r < seen.reports.length; r++) {
        const [got, want] = [seen.reports[r]!, whole.reports[r]!];
        assert.deepEqual([got.kind, got.line, got.endLine, got.title, got.frames.length], [want.kind, want.line, want.endLine, want.title, want.frames.length]);
      }
    }
    assert.ok(snapshots > 10);
    assert.deepEqual(parser.end(), whole);
  });

  it('CRLF line ends, no final newline, an empty log', () => {
    assertSameParse(logs[3]!.replace(/\n/g, '\r\n'), { pieceChars: 500 }, [333]);
    assertSameParse(logs[5]!.trimEnd(), { pieceChars: 500 }, [333]);
    assertSameParse('', {}, [1]);
    assertSameParse('\n\n', { pieceChars: 1 }, [1]);
  });

  it('a line longer than 1 MiB inside a report and as the last line: skipped as it arrives, warned about with its length', () => {
    const long = 'x'.repeat(1_500_000);
    // The report (a WARNING from line 15 on) gets a 20,000-character line at line 21 and the long
    // one at line 25: the first is parsed with the carried report after the second went by.
    const lines = logs[0]!.split('\n');
    assert.match(lines[15]!, /WARNING: CPU: 0 PID: 37/);
    const text = [...lines.slice(0, 20), 'y'.repeat(20000), ...lines.slice(20, 23), long, ...lines.slice(23)].join('\n');
    const expected = parseLog(text);
    assert.deepEqual(expected.diagnostics.map((d) => d.message.slice(0, 36)), ['line 21 is 20000 characters long; li', 'line 25 is 1500000 characters long; ']);
    assert.equal(expected.reports[0]!.line, 14);
    assert.ok(expected.reports[0]!.endLine > 30);
    const parser = new LogPieceParser({ pieceChars: 4096 });
    for (let at = 0; at < text.length; at += 65536) parser.push(text.slice(at, at + 65536));
    assert.deepEqual(parser.end(), expected);
    assertSameParse(logs[0] + long, { pieceChars: 4096 }, [65536]);
    assertSameParse(logs[0] + long + '\r\n', { pieceChars: 4096 }, [65536]);
  });

  it('a newest-first (journalctl -r) log is parsed whole', () => {
    // Newest-first is judged on the first piece (parseLog: on the first 4,000 syslog lines).
    // Forty soft lockups as journalctl prints them, one second a line, then newest first.
    const body = ['watchdog: BUG: soft lockup - CPU#1 stuck for 26s! [kworker/1:1:61]', 'CPU: 1 PID: 61 Comm: kworker/1:1 Not tainted 6.1.0-56-amd64 #1',
      'RIP: e030:xen_hypercall_sched_op+0xa/0x20', 'Call Trace:', ' <TASK>', ' xen_safe_halt+0x10/0x20', ' default_idle+0x9/0x20', ' </TASK>'];
    const forward: string[] = [];
    for (let n = 0; n < 40 * body.length; n++) {
      const t = 13 * 3600 + n;
      const clock = [Math.floor(t / 3600), Math.floor(t / 60) % 60, t % 60].map((v) => String(v).padStart(2, '0')).join(':');
      forward.push(`Aug 15 ${clock} dom0 kernel: ${body[n % body.length]}`);
    }
    const reversed = forward.reverse().join('\n');
    assert.equal(parseLog(reversed).reversed, true);
    assert.equal(parseLog(reversed).reports.length, 40);
    assertSameParse(reversed, { pieceChars: 200, firstPieceChars: reversed.length }, [99]);
    assertSameParse(reversed, { pieceChars: 200, firstPieceChars: 1500 }, [99]);
  });
});

describe('parseLogBytes: a log held as UTF-8 bytes', () => {
  // Byte pieces cut inside multi-byte characters (the corpus has │, é, …): the decoder must carry
  // the partial character to the next piece.
  it('gives parseLog of the decoded text, whatever the byte piece size', () => {
    const bytes = Buffer.from(corpus, 'utf8');
    assert.ok(bytes.length > corpus.length, 'the corpus has multi-byte characters');
    const expected = parseLog(corpus);
    for (const pieceBytes of [1, 3, 4099, 1 << 20]) assert.deepEqual(parseLogBytes(bytes, { pieceBytes }), expected, `pieces of ${pieceBytes} bytes`);
  });
});
