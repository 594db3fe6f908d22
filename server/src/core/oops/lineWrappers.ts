// Peels what sits in front of the kernel (or Xen) text of a log line: printk times, console
// levels, caller ids, dmesg -T dates, syslog / syslog-ng / journalctl prefixes, raw /dev/kmsg
// records, `(XEN)` with its timestamp modes, e-mail quoting, pager gutters and a CR.
// Nothing is copied: the result is the column where the payload starts, so every position
// found in the payload is already a position in the original line.

/** The payload of one line, as columns into the original line. */
export interface PeeledLine {
  /** First column of the payload (after every wrapper). */
  start: number;
  /** Column after the payload (a trailing CR excluded). */
  end: number;
  /** The line came from Xen's console (`(XEN) `). */
  xen: boolean;
  /** Column where the syslog / journal time starts, or -1 (used to detect `journalctl -r`). */
  syslogTimeStart: number;
}

// Each wrapper regex is sticky and anchored where the previous wrapper ended, so a line is
// scanned once from left to right; every quantifier is bounded or runs over a disjoint class.
const CALLER_ID = /\[ {0,8}[TC]\d{1,10}\] ?/y;
const DMESG_T = /\[[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}\] ?/y;
const LEVEL = /<\d{1,3}>/y;
const KMSG_RECORD = /\d{1,3},\d{1,20},\d{1,20},[^;\s]{0,16};/y;
const XEN_PREFIX = /\(XEN\) ?/y;
// Xen console_timestamps: boot `[  315.807606]`, date `[2025-02-16 21:56:40]`, datems `[… .182]`, raw `[<16 hex>]`.
const XEN_TIME = /\[(?: {0,12}\d{1,12}\.\d{1,9}|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d{1,6})?|[0-9a-f]{16})\] ?/y;
const SYSLOG_TIME = /(?:[A-Z][a-z]{2} {1,2}\d{1,2}|\d{4}-\d\d-\d\dT?) ?\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:[+-]\d\d:?\d\d|Z)? /y;
// After the time: `host kernel: `, `kernel: `, `host kernel[123]: `, syslog-ng `[kernel] `, or any `tag: `.
const SYSLOG_TAG = /(?:(?:[^\s:]{1,64}:?|:[^\s:]{1,62}:) )?kernel(?:\[\d{1,10}\])?: ?|\[kernel\] ?|[^\s:]{1,64} [^\s:]{1,64}(?:\[\d{1,10}\])?: ?|[^:\n]{1,64}\): /y;
const WALL_KERNEL = / {0,8}kernel: ?/y;
const BAT_GUTTER = / {0,8}\d{1,9} {1,4}│ ?/y;
const LOGIN_PROMPT = /\S{1,64} login: /y;

/** `[ 1234.567890]` plus one optional space, by hand (it starts nearly every line). */
function scanPrintkTime(line: string, pos: number, end: number): number {
  let i = pos + 1;
  const limit = Math.min(end, pos + 32);
  while (i < limit && line.charCodeAt(i) === 32) i++;
  const d0 = i;
  while (i < limit && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
  if (i === d0 || line.charCodeAt(i) !== 46) return -1;
  const f0 = ++i;
  while (i < limit && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
  if (i === f0 || line.charCodeAt(i) !== 93) return -1;
  i++;
  return line.charCodeAt(i) === 32 ? i + 1 : i;
}

function matchAt(re: RegExp, line: string, at: number): number {
  re.lastIndex = at;
  return re.test(line) ? re.lastIndex : -1;
}

/**
 * Peels every wrapper from `line` (they nest, e.g. syslog + printk time + caller id).
 * `out` lets a hot loop reuse one object.
 */
export function peelLine(line: string, out?: PeeledLine): PeeledLine {
  const result: PeeledLine = out ?? { start: 0, end: 0, xen: false, syslogTimeStart: -1 };
  let end = line.length;
  if (end > 0 && line.charCodeAt(end - 1) === 13) end--;
  let pos = 0;
  let xen = false;
  let syslogTimeStart = -1;
  // Each pass peels at most one wrapper; a wrapper never matches an empty string, so this ends.
  for (let pass = 0; pass < 12 && pos < end; pass++) {
    const c = line.charCodeAt(pos);
    let next = -1;
    if (c === 91 /* [ */) {
      const c1 = line.charCodeAt(pos + 1);
      // `[<addr>]` frames and `[ INFO: …` banners are payload: only digits, spaces, T/C ids and day names follow a `[` wrapper
      if (c1 === 60) break;
      next = scanPrintkTime(line, pos, end);
      if (next < 0 && (c1 === 32 || c1 === 84 || c1 === 67)) next = matchAt(CALLER_ID, line, pos);
      if (next < 0 && c1 >= 65 && c1 <= 90) next = matchAt(DMESG_T, line, pos);
      if (next < 0 && xen) next = matchAt(XEN_TIME, line, pos);
    } else if (c === 60 /* < */) {
      next = matchAt(LEVEL, line, pos);
    } else if (c === 40 /* ( */) {
      next = matchAt(XEN_PREFIX, line, pos);
      if (next >= 0) xen = true;
    } else if (c === 62 /* > */) {
      // e-mail quoting: `> ` or `>> ` (one level per pass)
      next = pos + 1;
      if (line.charCodeAt(next) === 32) next++;
    } else if (c >= 48 && c <= 57) {
      next = matchAt(KMSG_RECORD, line, pos);
      if (next < 0) next = matchAt(BAT_GUTTER, line, pos);
      if (next < 0 && pass === 0) {
        next = matchAt(SYSLOG_TIME, line, pos);
        if (next >= 0) {
          syslogTimeStart = pos;
          const tagEnd = matchAt(SYSLOG_TAG, line, next);
          next = tagEnd >= 0 ? tagEnd : next;
        }
      }
    } else if (c === 32) {
      // indented payload (frames) is common: try the gutter and wall forms only when they can match
      let q = pos;
      while (q < end && q - pos < 9 && line.charCodeAt(q) === 32) q++;
      const d = line.charCodeAt(q);
      if (d >= 48 && d <= 57) next = matchAt(BAT_GUTTER, line, pos);
      else if (d === 107 /* k */) next = matchAt(WALL_KERNEL, line, pos);
    } else if (c >= 65 && c <= 90 && pass === 0) {
      next = matchAt(SYSLOG_TIME, line, pos);
      if (next >= 0) {
        syslogTimeStart = pos;
        const tagEnd = matchAt(SYSLOG_TAG, line, next);
        next = tagEnd >= 0 ? tagEnd : next;
      }
    } else if (pass === 0 && c >= 97 && c <= 122) {
      next = matchAt(LOGIN_PROMPT, line, pos);
    }
    if (next < 0 || next <= pos) break;
    pos = Math.min(next, end);
  }
  result.start = pos;
  result.end = end;
  result.xen = xen;
  result.syslogTimeStart = syslogTimeStart;
  return result;
}

/** The payload text of a line (a convenience for callers that do not need columns). */
export function payloadOf(line: string): string {
  const p = peelLine(line);
  return line.slice(p.start, p.end);
}
