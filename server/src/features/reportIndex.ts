// Reports are sorted by their first line, so the one starting at (or containing) a line is a
// binary search away: hovers stay O(log n) on logs with 100 000 reports.
import type { Frame, ParsedLog, Report } from '../core/oops';

/** Index of the last report whose first line is ≤ line, or -1. */
function lastStartingAtOrBefore(log: ParsedLog, line: number): number {
  let lo = 0;
  let hi = log.reports.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log.reports[mid].line <= line) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

export function reportStartingAt(log: ParsedLog, line: number): Report | undefined {
  const r = log.reports[lastStartingAtOrBefore(log, line)];
  return r && r.line === line ? r : undefined;
}

export function reportContaining(log: ParsedLog, line: number): Report | undefined {
  const r = log.reports[lastStartingAtOrBefore(log, line)];
  return r && line <= r.endLine ? r : undefined;
}

/** Frames on lines [from, to], found by binary search (log.frames is sorted by line). */
export function framesInLines(log: ParsedLog, from: number, to: number): Frame[] {
  let lo = 0;
  let hi = log.frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log.frames[mid].line < from) lo = mid + 1;
    else hi = mid;
  }
  const out: Frame[] = [];
  for (let k = lo; k < log.frames.length && log.frames[k].line <= to; k++) out.push(log.frames[k]);
  return out;
}
