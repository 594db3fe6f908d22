import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { parseLog, DEFAULT_MAX_LINE } from '../../../server/src/core/oops/reports';
import { parseFrames } from '../../../server/src/core/oops/frames';
import { peelLine } from '../../../server/src/core/oops/lineWrappers';

/** Best of three runs, so that a GC pause or a busy machine does not decide the test. */
function time(fn: () => void): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t = performance.now();
    fn();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}

describe('bad input', () => {
  it('an empty file has no reports and no diagnostics', () => {
    const log = parseLog('');
    assert.equal(log.reports.length, 0);
    assert.equal(log.frames.length, 0);
    assert.equal(log.lineCount, 1);
  });
  it('binary garbage: no crash, a diagnostic that it is not a text log', () => {
    const bytes = randomBytes(1 << 20);
    const log = parseLog(bytes.toString('latin1'));
    assert.ok(log.diagnostics.some((d) => /not look like a text log|characters long/.test(d.message)), JSON.stringify(log.diagnostics.slice(0, 3)));
  });
  it('a 10 MB line is skipped with its line number, in linear time', () => {
    const huge = '[<ffffffff81000000>] '.repeat((10 << 20) / 21);
    const text = `[ 1.0] BUG: soft lockup - CPU#0 stuck for 23s! [x:1]\n${huge}\n[ 1.1] Call Trace:\n`;
    let log!: ReturnType<typeof parseLog>;
    const ms = time(() => (log = parseLog(text)));
    assert.ok(ms < 2000, `${ms} ms`);
    const d = log.diagnostics.find((x) => x.line === 1);
    assert.ok(d);
    assert.match(d.message, /^line 2 is \d+ characters long; lines over 16384 characters are not parsed$/);
  });
  it('frame and wrapper parsing stay linear on long adversarial lines (no backtracking blow-up)', () => {
    // Inputs that make naive regexes backtrack: long runs of symbol characters, '+', '[<', '(' and spaces.
    const patterns = ['a', 'a+', '[<', '[<f', '(', ' ', '+0x', 'x/0x', 'Oct  3 ', '<1>', '[ 1', ':'];
    for (const p of patterns) {
      const small = p.repeat(Math.ceil(DEFAULT_MAX_LINE / 4 / p.length));
      const big = p.repeat(Math.ceil(DEFAULT_MAX_LINE / p.length));
      const ts = time(() => {
        for (let k = 0; k < 20; k++) {
          parseFrames(small);
          peelLine(small);
          parseLog(small);
        }
      });
      const tb = time(() => {
        for (let k = 0; k < 20; k++) {
          parseFrames(big);
          peelLine(big);
          parseLog(big);
        }
      });
      // 4× the input may cost ~4× the time; quadratic behaviour would be ~16×.
      assert.ok(tb < Math.max(50, ts * 10), `pattern ${JSON.stringify(p)}: ${ts.toFixed(1)} ms → ${tb.toFixed(1)} ms`);
    }
  });
  it('a log without reports still yields its frames', () => {
    const log = parseLog('hello\n  foo+0x1/0x2\nworld');
    assert.equal(log.frames.length, 1);
    assert.equal(log.frames[0].line, 1);
  });
});
