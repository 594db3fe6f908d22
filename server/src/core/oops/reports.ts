// Splits a kernel/Xen log into reports (soft lockup, Oops, WARNING, Xen crash, …) and collects every
// frame of the log. One pass over the lines; per line: peel wrappers, one headline regex (after a
// first-character filter), frame parsing only on lines that can hold a frame. Linear time.
import { type ContextMarker, type Frame, MAX_FRAME_COLUMN, packSpan, parseFrames, parseRegisterFrames, scanMarkers, spanEnd, spanStart, tokenAt, valueOfHalves, type FrameToken } from './frames';
import { peelLine, type PeeledLine } from './lineWrappers';
import { groupReports, reportSignature } from './signature';

export type ReportKind =
  | 'soft-lockup' | 'hard-lockup' | 'hung-task' | 'rcu-stall' | 'bug' | 'oops' | 'page-fault' | 'gpf'
  | 'warning' | 'panic' | 'double-fault' | 'kasan' | 'lockdep' | 'xen-crash' | 'xen-debugkey' | 'backtrace';

export interface Register {
  name: string;
  /** The value's hex digits as printed (8 to 16, lower case). */
  readonly hex: string;
  /** The value. */
  readonly value: bigint;
  line: number;
  /** Columns of the value in the original line. */
  readonly start: number;
  readonly end: number;
}

/**
 * A register value as two 32-bit halves: a 100 MB log has ~350k register values, and a string
 * each cost 32 bytes more. The digits and the bigint are made only when someone looks.
 */
class RegisterValue implements Register {
  private readonly hi: number;
  private readonly lo: number;
  /** The value's columns, packed as a frame's are. */
  private readonly span: number;
  constructor(public name: string, digits: string, public line: number, start: number) {
    const cut = Math.max(0, digits.length - 8);
    this.hi = cut > 0 ? parseInt(digits.slice(0, cut), 16) | 0 : 0;
    this.lo = parseInt(digits.slice(cut), 16) | 0;
    this.span = packSpan(start, start + digits.length);
  }
  get start(): number {
    return spanStart(this.span);
  }
  get end(): number {
    return spanEnd(this.span);
  }
  get value(): bigint {
    return valueOfHalves(this.hi, this.lo);
  }
  get hex(): string {
    return this.value.toString(16).padStart(this.end - this.start, '0');
  }
}

export interface ContextBlock {
  /** `IRQ`, `NMI`, `TASK`, `#DF`, `EOI`, `SOFTIRQ`, … as printed in the marker. */
  context: string;
  line: number;
  endLine: number;
}

export interface Report {
  kind: ReportKind;
  title: string;
  /** 0-based first and last line. */
  line: number;
  endLine: number;
  cpu: number | undefined;
  pid: number | undefined;
  comm: string | undefined;
  /** Kernel release (`5.10.0-rc6-syzkaller`) or Xen version (`4.17.2`). */
  version: string | undefined;
  /** `Not tainted`, or the flags after `Tainted:`. */
  taint: string | undefined;
  registers: Register[];
  code: { line: number; start: number; text: string } | undefined;
  /** Every frame in the report (register, trace and auxiliary frames), in line order. */
  frames: Frame[];
  blocks: ContextBlock[];
  /** From Xen's console. */
  xen: boolean;
  /** KASLR slide from a `Kernel Offset:` line. */
  kernelOffset: bigint | undefined;
  signature: string;
  group: number;
}

export interface LogDiagnostic {
  line: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
}

export interface ParsedLog {
  lineCount: number;
  reports: Report[];
  /** Every frame in the log, inside reports or not, sorted by line. */
  frames: Frame[];
  diagnostics: LogDiagnostic[];
  /** The log was written newest-first (`journalctl -r`); reports were read in time order. */
  reversed: boolean;
  kernelOffset: bigint | undefined;
}

export interface ParseOptions {
  /** Lines longer than this are not parsed (printk lines are at most 1024 characters). */
  maxLineLength?: number;
}

/** Longest line that is parsed; longer lines are reported and skipped. */
export const DEFAULT_MAX_LINE = 16384;

// One headline regex; the capture group that matched tells the kind. Optional pr_fmt prefixes first.
const HEADLINE = new RegExp(
  '(?:NMI watchdog: |watchdog: |EMERG: |rcu: |kernel: )?(?:' +
    [
      /* 1 soft-lockup */ '(BUG: soft lockup)',
      /* 2 hard-lockup */ '((?:CPU\\d{1,4}: )?Watchdog detected hard LOCKUP)',
      /* 3 hung-task */ '(INFO: task .{1,80}? blocked for more than)',
      /* 4 rcu-stall */ '(INFO: rcu[\\w]{0,20} (?:self-)?detected (?:expedited )?stall|INFO: rcu_tasks detected stall)',
      /* 5 kasan */ '(BUG: KASAN: )',
      /* 6 lockdep */ '(WARNING: possible (?:circular|recursive)|WARNING: inconsistent lock state|\\[ INFO: (?:possible (?:circular|recursive)|inconsistent lock state)|WARNING: suspicious RCU usage)',
      /* 7 double-fault */ '(PANIC: double fault)',
      /* 8 page-fault */ '(BUG: unable to handle|BUG: kernel NULL pointer dereference|Unable to handle kernel|BUG: Unable to handle kernel)',
      /* 9 gpf */ '(general protection fault|Oops: general protection fault)',
      /* 10 warning */ '(WARNING: |BUG: warning at)',
      /* 11 bug */ '(kernel BUG at|BUG: |UBSAN: |Bad mode in |Kernel BUG )',
      /* 12 oops (secondary) */ '(Oops\\b|Internal error: |illegal operation: |invalid opcode: |invalid operand: )',
      /* 13 panic (secondary) */ '(Kernel panic - not syncing)',
      /* 14 xen-crash */ "(----\\[ Xen-|Xen BUG at |Xen WARN at |Assertion '|FATAL TRAP: )",
      /* 15 xen panic box (secondary) */ '(Panic on CPU \\d{1,4}:)',
      /* 16 xen-debugkey */ "('.' pressed -> |\\*\\*\\* Dumping (?:CPU\\d{1,4}|Dom\\d{1,5} vcpu#\\d{1,4}) )",
      /* 17 backtrace */ '(NMI backtrace for cpu \\d|task:\\S{1,64} {1,20}state:)',
      /* 18 cut here */ '(-{5,40}\\[ cut here \\]|8<--- cut here)',
      /* 19 end marker */ '(---\\[ end )',
    ].join('|') +
    ')',
  'y',
);
const KIND_BY_GROUP: (ReportKind | 'secondary-oops' | 'secondary-panic' | 'xen-panic' | 'cut' | 'end' | undefined)[] = [
  undefined, 'soft-lockup', 'hard-lockup', 'hung-task', 'rcu-stall', 'kasan', 'lockdep', 'double-fault', 'page-fault',
  'gpf', 'warning', 'bug', 'secondary-oops', 'secondary-panic', 'xen-crash', 'xen-panic', 'xen-debugkey', 'backtrace',
  'cut', 'end',
];
// First characters a headline (or its pr_fmt prefix) can start with: a cheap filter before the regex.
const HEADLINE_FIRST = new Uint8Array(128);
for (const ch of "BNwErkWIUPgOiKT-*'tC8[XAF") HEADLINE_FIRST[ch.charCodeAt(0)] = 1;

const TRACE_FIRST = new Uint8Array(128);
for (const ch of 'CBsXEGS') TRACE_FIRST[ch.charCodeAt(0)] = 1;
const TRACE_HEADER =
  / {0,16}(Call Trace:|Call trace:|Backtrace:|stack backtrace:|Xen call trace:|Exception stack\(|Guest stack trace from|Xen stack trace from|Stack:)/y;
const IDENTITY_CPU =
  /CPU: (\d{1,5}) (?:UID: \d{1,10} )?PID: (\d{1,10}) Comm: (.{1,64}?) (Not tainted|Tainted: [A-Z ]{0,40}) +(\S{0,64}[0-9a-z<]\S{0,64})/;
const IDENTITY_OLD = /Pid: (\d{1,10}), comm: (.{1,64}?) (Not tainted|Tainted: [A-Z ]{0,40}) +(\S{0,64}[0-9a-z<]\S{0,64})/;
const SOFTLOCKUP_INFO = /CPU#(\d{1,5})(?: stuck for \d{1,10}s! \[(.{1,64}):(\d{1,10})\])?/;
const HUNG_TASK_INFO = /INFO: task (.{1,80}):(\d{1,10}) blocked/;
const NOT_TAINTED_LINE = /(Not tainted|Tainted: [A-Z ]{0,40}) +(\S{0,64}[0-9a-z<]\S{0,64})/y;
const NMI_CPU = /NMI backtrace for cpu (\d{1,5})/;
const TASK_DUMP = /task:(\S{1,64}) {1,20}state:\S.{0,80}?pid: {0,8}(\d{1,10})/;
const XEN_BANNER = /----\[ Xen-(\S{1,64}) {1,4}\S{1,16} {1,4}.{0,80}? {1,4}(Not tainted|Tainted: [^\]]{0,40}?) {0,4}\]----/;
const XEN_CPU = /CPU: {1,8}(\d{1,5})$/;
const REGISTER_LINE = / {0,16}(?:[A-Za-z][A-Za-z0-9]{0,5}(?: [A-Z][a-z]{0,4})? ?: {0,8}(?:[0-9a-f]{4}:)?[0-9a-f]{8,16}\b|GPR\d\d: )/y;
const REGISTER_PAIR = /\b([A-Za-z][A-Za-z0-9]{0,7})\s{0,2}:\s{0,12}(?:[0-9a-f]{4}:)?([0-9a-f]{8,16})\b/g;
const CODE_LINE = / {0,16}(?:Code: |Krnl Code: |Xen code around )/y;
const KERNEL_OFFSET = /Kernel Offset: 0x([0-9a-f]{1,16}) from/;
const SYSLOG_CLOCK = / (\d\d):(\d\d):(\d\d)/y;

const NO_MARKERS: readonly ContextMarker[] = Object.freeze([]);

/** Kinds whose `Oops:` line belongs to them when it follows within a few lines. */
const OOPS_ATTACHES_TO = new Set<ReportKind>(['page-fault', 'bug', 'gpf', 'kasan', 'double-fault', 'oops']);

interface OpenReport {
  report: Report;
  lastLine: number;
  sawHeader: boolean;
  context: string;
  openBlock: ContextBlock | undefined;
  ended: boolean;
}

function newReport(kind: ReportKind, title: string, line: number, xen: boolean): Report {
  return {
    kind, title, line, endLine: line, cpu: undefined, pid: undefined, comm: undefined, version: undefined,
    taint: undefined, registers: [], code: undefined, frames: [], blocks: [], xen, kernelOffset: undefined,
    signature: '', group: -1,
  };
}

const MARKER_CONTEXT: Record<string, string> = {
  IRQ: 'IRQ', EOI: 'task', NMI: 'NMI', TASK: 'task', SOFTIRQ: 'SOFTIRQ', '#DF': '#DF', DOUBLEFAULT: '#DF',
  '#DB': '#DB', DB: '#DB', '#MC': '#MC', MCE: '#MC', '#SS': '#SS', STACKFAULT: '#SS', '#VC': '#VC',
};

/** NUL and other C0 control characters (not TAB, LF, CR, ESC) in the first 64 KiB, when there are many. */
export interface BinaryEvidence {
  count: number;
  offset: number;
  line: number;
}

/** Control characters in the first 64 KiB that say this is not a text log. */
export function binaryEvidence(text: string): BinaryEvidence | undefined {
  const n = Math.min(text.length, 65536);
  let count = 0;
  let first = -1;
  let line = 0;
  let firstLine = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if ((c < 9 || (c > 13 && c < 32 && c !== 27) || c === 127)) {
      if (first < 0) {
        first = i;
        firstLine = line;
      }
      count++;
    }
  }
  return count > 0 && (count * 100 > n || text.charCodeAt(first) === 0) ? { count, offset: first, line: firstLine } : undefined;
}

/** Finds the line boundaries once; lines are addressed by index afterwards. */
export function splitLines(text: string): Int32Array {
  let starts = new Int32Array(1024);
  let n = 0;
  let pos = 0;
  while (true) {
    if (n + 1 >= starts.length) {
      const bigger = new Int32Array(starts.length * 2);
      bigger.set(starts);
      starts = bigger;
    }
    starts[n++] = pos;
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break;
    pos = nl + 1;
  }
  // A final newline does not start a line of its own; starts[n] - 1 is where the last line ends.
  if (n > 1 && starts[n - 1] === text.length) {
    n--;
    starts[n] = text.length;
  } else {
    starts[n] = text.length + 1;
  }
  return starts.subarray(0, n + 1);
}

/** `journalctl -r` writes newest first: syslog clocks mostly run backwards. */
export function looksReversed(text: string, starts: Int32Array, lineCount: number): boolean {
  const peeled: PeeledLine = { start: 0, end: 0, xen: false, syslogTimeStart: -1 };
  let prev = -1;
  let up = 0;
  let down = 0;
  for (let i = 0, seen = 0; i < lineCount && seen < 4000; i++) {
    const line = text.slice(starts[i], starts[i + 1] - 1);
    peelLine(line, peeled);
    if (peeled.syslogTimeStart < 0) continue;
    seen++;
    SYSLOG_CLOCK.lastIndex = line.indexOf(' ', peeled.syslogTimeStart + 4);
    const m = SYSLOG_CLOCK.exec(line);
    if (!m) continue;
    const t = +m[1] * 3600 + +m[2] * 60 + +m[3];
    if (prev >= 0) {
      if (t > prev) up++;
      else if (t < prev) down++;
    }
    prev = t;
  }
  return down >= 3 && down > up * 2;
}

/** Parses a whole log. */
export function parseLog(text: string, options: ParseOptions = {}): ParsedLog {
  const starts = splitLines(text);
  const lineCount = starts.length - 1;
  const reversed = looksReversed(text, starts, lineCount);
  const lines = parseLineRange(text, starts, 0, reversed, options);
  return finishLog(lines, { lineCount, reversed, binary: binaryEvidence(text) });
}

/** The longest line parsed: frames keep columns up to MAX_FRAME_COLUMN, whatever the option. */
export function maxParsedLine(options: ParseOptions): number {
  return Math.min(options.maxLineLength ?? DEFAULT_MAX_LINE, MAX_FRAME_COLUMN);
}

/** The warning for a line the parser skips for its length. */
export function longLineDiagnostic(line: number, length: number, maxLine: number): LogDiagnostic {
  return { line, severity: 'warning', message: `line ${line + 1} is ${length} characters long; lines over ${maxLine} characters are not parsed` };
}

/** What the line loop found in a run of lines, and the state it ended in. */
export interface LineRangeParse {
  reports: Report[];
  frames: Frame[];
  diagnostics: LogDiagnostic[];
  /** A report was still open after the last line: lines that follow may extend it. */
  openAtEnd: boolean;
  /** A `cut here` line still waiting for its report's headline, or -1. */
  pendingCutHere: number;
}

/**
 * The line loop over the lines of `text` (boundaries `starts`), numbered from `lineBase`: one
 * pass, per line: peel wrappers, one headline regex (after a first-character filter), frame
 * parsing only on lines that can hold a frame.
 */
export function parseLineRange(text: string, starts: Int32Array, lineBase: number, reversed: boolean, options: ParseOptions): LineRangeParse {
  const maxLine = maxParsedLine(options);
  const lineCount = starts.length - 1;
  const reports: Report[] = [];
  const frames: Frame[] = [];
  const diagnostics: LogDiagnostic[] = [];
  const peeled: PeeledLine = { start: 0, end: 0, xen: false, syslogTimeStart: -1 };
  let open: OpenReport | undefined;
  let cutHereLine = -1;

  const close = (): void => {
    if (!open) return;
    if (open.openBlock) open.openBlock.endLine = open.lastLine;
    open.report.endLine = reversed ? Math.min(open.report.line, open.lastLine) : Math.max(open.report.endLine, open.lastLine);
    open = undefined;
  };
  const start = (kind: ReportKind, title: string, i: number, xen: boolean): void => {
    close();
    const first = cutHereLine >= 0 && i - cutHereLine <= 3 ? cutHereLine : i;
    const report = newReport(kind, title, first, xen);
    reports.push(report);
    open = { report, lastLine: i, sawHeader: false, context: xen ? 'xen' : 'task', openBlock: undefined, ended: false };
    cutHereLine = -1;
  };

  for (let k = 0; k < lineCount; k++) {
    const li = reversed ? lineCount - 1 - k : k;
    const i = lineBase + li;
    const line = text.slice(starts[li], starts[li + 1] - 1);
    peelLine(line, peeled);
    let pos = peeled.start;
    const end = peeled.end;
    if (end - pos > maxLine || line.length > MAX_FRAME_COLUMN) {
      diagnostics.push(longLineDiagnostic(i, line.length, maxLine));
      continue;
    }
    while (pos < end && (line.charCodeAt(pos) === 32 || line.charCodeAt(pos) === 9)) pos++;
    if (pos >= end) continue;
    const c = line.charCodeAt(pos);
    const xen = peeled.xen;
    if (open && i - open.lastLine > 80 && !reversed) close();

    // Headlines
    if (c < 128 && HEADLINE_FIRST[c] === 1 && (c !== 91 || line.charCodeAt(pos + 1) === 32)) {
      HEADLINE.lastIndex = pos;
      const m = HEADLINE.exec(line);
      if (m) {
        let g = 1;
        while (m[g] === undefined) g++;
        const kind = KIND_BY_GROUP[g];
        const title = line.slice(pos, end).trim();
        if (kind === 'cut') {
          cutHereLine = i;
          if (open) close();
          continue;
        }
        if (kind === 'end') {
          if (open) {
            open.lastLine = i;
            open.ended = true;
            close();
          }
          continue;
        }
        if (kind === 'xen-panic') {
          if (open && open.report.xen) {
            open.lastLine = i;
            if (open.report.kind === 'backtrace') open.report.kind = 'xen-crash';
            // the reason is on the next line
            const nextLine = li + 1 < lineCount ? text.slice(starts[li + 1], starts[li + 2] - 1) : '';
            const reason = nextLine.slice(peelLine(nextLine).start).trim();
            if (reason && !reason.startsWith('****')) open.report.title = reason;
            continue;
          }
          start('xen-crash', title, i, xen);
          continue;
        }
        if (kind === 'secondary-oops') {
          if (open && OOPS_ATTACHES_TO.has(open.report.kind) && i - open.report.line <= 40) {
            open.lastLine = i;
          } else {
            start('oops', title, i, xen);
          }
          continue;
        }
        if (kind === 'secondary-panic') {
          if (open) {
            open.lastLine = i;
          } else {
            const last = reports[reports.length - 1];
            if (last && i - last.endLine <= 3) last.endLine = i;
            else {
              start('panic', title, i, xen);
            }
          }
          continue;
        }
        if (kind === 'backtrace' && open && !open.sawHeader &&
          (open.report.kind === 'hung-task' || open.report.kind === 'rcu-stall') && title.startsWith('task:')) {
          open.lastLine = i;
          const t = TASK_DUMP.exec(title);
          if (t && open.report.pid === undefined) {
            open.report.comm = t[1];
            open.report.pid = +t[2];
          }
          continue;
        }
        if (kind === 'xen-debugkey' && open && open.report.kind === 'xen-debugkey' && !open.sawHeader && title.startsWith('***')) {
          // `'d' pressed -> dumping registers` is followed by one `*** Dumping …` block per CPU
          if (open.report.frames.length === 0 && i - open.report.line <= 2) {
            open.report.title = title;
            open.lastLine = i;
            continue;
          }
        }
        if (kind === 'xen-crash' && open && open.report.xen === xen && i - open.lastLine <= 6 &&
          (open.report.kind === 'xen-debugkey' || open.report.kind === 'xen-crash' || open.report.kind === 'bug' || open.report.kind === 'warning')) {
          // one Xen crash prints its reason (UBSAN, BUG, Assertion) and the banner close together;
          // debug keys print the banner before each register dump
          open.lastLine = i;
          if (open.report.kind !== 'xen-debugkey') open.report.kind = 'xen-crash';
          const b = XEN_BANNER.exec(title);
          if (b) {
            open.report.version = b[1];
            open.report.taint = b[2];
          }
          continue;
        }
        if (kind === 'page-fault' && open && open.report.kind === 'oops' && i - open.report.line <= 3) {
          // concurrent CPUs: the `Unable to handle` line printed just after another CPU's `Oops:`
          open.lastLine = i;
          continue;
        }
        if (kind !== undefined) {
          start(kind, title, i, xen);
          identify(open!.report, title);
          continue;
        }
      }
    }

    if (!open) {
      // a call trace without a headline (excerpts, dump_stack()): a report of its own
      TRACE_HEADER.lastIndex = pos;
      const h = c < 128 && TRACE_FIRST[c] === 1 ? TRACE_HEADER.exec(line) : null;
      if (h && (h[1] === 'Call Trace:' || h[1] === 'Call trace:' || h[1] === 'Backtrace:' || h[1] === 'Xen call trace:')) {
        start('backtrace', h[1], i, xen);
      }
    }
    if (open) {
      const report = open.report;
      // Trace headers
      TRACE_HEADER.lastIndex = pos;
      const h = c < 128 && TRACE_FIRST[c] === 1 ? TRACE_HEADER.exec(line) : null;
      if (h) {
        const header = h[1];
        open.lastLine = i;
        if (header === 'Guest stack trace from' || header === 'Xen stack trace from' || header === 'Stack:' || header === 'Exception stack(') {
          open.sawHeader = header === 'Exception stack(' ? open.sawHeader : false;
          continue;
        }
        open.sawHeader = true;
        open.context = xen ? 'xen' : 'task';
        pos = TRACE_HEADER.lastIndex;
        while (pos < end && line.charCodeAt(pos) === 32) pos++;
        if (pos >= end) continue;
      }
      // Identity, registers, Code:
      if (!h) {
        if (identifyLine(report, line, pos, end)) {
          open.lastLine = i;
          continue;
        }
        CODE_LINE.lastIndex = pos;
        if ((c === 67 || c === 75 || c === 88) && CODE_LINE.test(line)) {
          report.code = { line: i, start: pos, text: line.slice(pos, end) };
          open.lastLine = i;
          if (line.startsWith('Xen code around', pos) || line.startsWith('Code: ', pos)) {
            // the address in `Xen code around <addr> (sym+off/size):` is a frame too
            addRegisterFrames(report, frames, line, pos, end, i, open);
          }
          continue;
        }
        const regFrames = looksLikeRegister(line, pos, end) ? parseRegisterFrames(line, pos, end, i) : [];
        if (regFrames.length > 0) {
          for (const f of regFrames) {
            report.frames.push(f);
            frames.push(f);
          }
          collectRegisters(report, line, pos, end, i);
          open.lastLine = i;
          continue;
        }
        REGISTER_LINE.lastIndex = pos;
        if (regFrames.length === 0 && looksLikeRegister(line, pos, end) && REGISTER_LINE.test(line)) {
          collectRegisters(report, line, pos, end, i);
          open.lastLine = i;
          continue;
        }
        const ko = c === 75 ? line.indexOf('Kernel Offset: ', pos) : -1;
        if (ko >= 0) {
          const m = KERNEL_OFFSET.exec(line);
          if (m) {
            report.kernelOffset = BigInt('0x' + m[1]);
            open.lastLine = i;
          }
        }
      }
      // Context markers at the start (2.6 also puts them between frames on one line)
      const markers = line.charCodeAt(pos) === 60 ? scanMarkers(line, pos, end) : NO_MARKERS;
      if (markers.length > 0) {
        for (let k = 0; k < markers.length; k++) applyMarker(open, markers[k].name, i);
        open.lastLine = i;
      }
    }

    // Frames
    if (mayHoldFrame(line, pos, end)) {
      const lineFrames = parseFrames(line, pos, end, i, xen);
      if (lineFrames.length === 0 && open) {
        // lockdep `at: [<addr>] sym` and irq-stamp `(N): [<addr>] sym` put the frame mid-line
        const mid = line.indexOf('[<', pos);
        if (mid > pos) {
          for (const f of parseFrames(line, mid, end, i, xen)) {
            f.role = 'aux';
            lineFrames.push(f);
          }
        } else if (open.report.line === i) {
          // WARNING … at sym+off/size, BUG: KASAN: … in sym+off/size [mod]
          const at = /(?: at | in )(\S{1,512}\+0x[0-9a-f]{1,12}\/0x[0-9a-f]{1,12})/.exec(line.slice(pos, end));
          if (at) {
            for (const f of parseFrames(line, pos + at.index + 4, end, i, xen)) {
              f.role = 'aux';
              lineFrames.push(f);
            }
          }
        }
      }
      if (lineFrames.length > 0 && !open && (lineFrames[0].symbol !== undefined || lineFrames[0].address !== undefined)) {
        // frames with no headline before them (an excerpt, a bare dump_stack())
        start('backtrace', 'Call Trace (no headline)', i, xen);
        open!.sawHeader = true;
      }
      if (lineFrames.length > 0) {
        let prev: Frame | undefined;
        for (const f of lineFrames) {
          // ARM `[<pc>] (sym) from [<lr>] (caller…)`: the pc half repeats the previous line's lr
          if (f.format === 'arm' && f.offset === undefined && open) {
            const last = open.report.frames[open.report.frames.length - 1];
            if (last && last.address === f.address && last.line === i - 1 && !prev) {
              prev = f;
              f.context = open.context;
              frames.push(f);
              continue;
            }
          }
          prev = f;
          if (open) {
            if (f.role === 'trace' && !open.sawHeader && f.address === undefined && !f.inlined && open.report.kind === 'lockdep') {
              f.role = 'aux';
            }
            f.context = f.role === 'trace' ? open.context : 'task';
            open.report.frames.push(f);
            open.lastLine = i;
          } else if (xen) {
            f.context = 'xen';
          }
          frames.push(f);
        }
        // markers after frames on the same line (2.6: `… <EOI> [<addr>] …` handled by parseFrames skipping)
        if (open && line.indexOf('<EOI>', pos) > pos) applyMarker(open, 'EOI', i);
      }
    }
  }
  const openAtEnd = open !== undefined;
  close();
  return { reports, frames, diagnostics, openAtEnd, pendingCutHere: cutHereLine };
}

/**
 * Turns the line loop's findings into the log's analysis: the binary-file warning, newest-first
 * fix-ups, one copy of each repeated name, signatures and stack groups.
 */
export function finishLog(
  parse: Pick<LineRangeParse, 'reports' | 'frames' | 'diagnostics'>,
  log: { lineCount: number; reversed: boolean; binary: BinaryEvidence | undefined },
): ParsedLog {
  const { reports, frames, diagnostics } = parse;
  const { lineCount, reversed, binary } = log;
  if (binary) {
    diagnostics.push({
      line: binary.line, severity: 'warning',
      message: `${binary.count} control characters in the first 64 KiB (the first at byte offset ${binary.offset}, line ${binary.line + 1}): this does not look like a text log`,
    });
  }
  if (reversed) {
    frames.sort((a, b) => a.line - b.line || a.start - b.start);
    for (const r of reports) {
      const lo = Math.min(r.line, r.endLine);
      const hi = Math.max(r.line, r.endLine);
      r.line = lo;
      r.endLine = hi;
    }
    diagnostics.push({ line: 0, severity: 'info', message: 'log is newest-first (journalctl -r); reports were read bottom-up' });
  }
  // One copy of each repeated name: a 100 MB log prints a few thousand symbols 700k times.
  const names = new Map<string, string>();
  const intern = (s: string) => names.get(s) ?? (names.set(s, s), s);
  for (const f of frames) {
    if (f.symbol !== undefined) f.symbol = intern(f.symbol);
    if (f.module !== undefined) f.module = intern(f.module);
  }
  for (const r of reports) {
    r.signature = intern(reportSignature(r));
    for (const reg of r.registers) reg.name = intern(reg.name);
  }
  const groups = groupReports(reports);
  for (let r = 0; r < reports.length; r++) reports[r].group = groups[r];
  // The log's slide is the last one printed: a `Kernel Offset:` line belongs to the report open
  // then, and reports never interleave, so it is the last report's that has one.
  let kernelOffset: bigint | undefined;
  for (let r = reports.length - 1; r >= 0 && kernelOffset === undefined; r--) kernelOffset = reports[r].kernelOffset;
  return { lineCount, reports, frames, diagnostics, reversed, kernelOffset };
}

/** Cheap test before the register regexes: a short name, then `:`, ` :`, ` is at`, ` @` or ` [` soon. */
function looksLikeRegister(line: string, pos: number, end: number): boolean {
  const limit = Math.min(end, pos + 12);
  for (let i = pos; i < limit; i++) {
    const c = line.charCodeAt(i);
    if (c === 58 /* : */ || c === 64 /* @ */) return true;
    if (c === 32 && i + 1 < end) {
      const n = line.charCodeAt(i + 1);
      if (n === 58 || n === 105 /* i(s at) */ || n === 64 || n === 91) return true;
      if (i > pos && line.charCodeAt(i - 1) !== 32 && !(line.startsWith('Krnl', pos) || line.startsWith('RIP', pos))) return false;
    }
  }
  return false;
}

function mayHoldFrame(line: string, pos: number, end: number): boolean {
  const plus = line.indexOf('+', pos);
  if (plus >= 0 && plus < end) return true;
  const addr = line.indexOf('[<', pos);
  if (addr >= 0 && addr < end) return true;
  return line.endsWith('[inline]', end);
}

function applyMarker(open: OpenReport, name: string, i: number): void {
  const closing = name.startsWith('/');
  if (open.openBlock) {
    open.openBlock.endLine = i;
    open.openBlock = undefined;
  }
  if (closing) {
    open.context = 'task';
    return;
  }
  const block: ContextBlock = { context: name, line: i, endLine: i };
  open.report.blocks.push(block);
  open.context = MARKER_CONTEXT[name] ?? name;
  if (name !== 'EOI') open.openBlock = block;
}

function addRegisterFrames(report: Report, all: Frame[], line: string, pos: number, end: number, i: number, open: OpenReport): void {
  const lt = line.indexOf('<', pos);
  const paren = line.indexOf('(', pos);
  if (!line.startsWith('Xen code around', pos) || lt < 0) return;
  const gt = line.indexOf('>', lt);
  if (gt < 0) return;
  const fake = `PC: ${line.slice(lt + 1, gt)} ${paren > 0 ? line.slice(paren, end) : ''}`;
  for (const f of parseRegisterFrames(fake, 0, fake.length, i)) {
    // map columns back: address at lt+1, symbol inside the parenthesis
    const shiftAddr = lt + 1 - 4;
    const shiftSym = paren - (fake.indexOf('(') >= 0 ? fake.indexOf('(') : 0);
    f.addrStart += shiftAddr;
    f.addrEnd += shiftAddr;
    if (f.symStart >= 0) {
      f.symStart += shiftSym;
      f.symEnd += shiftSym;
      f.offStart += f.offStart >= 0 ? shiftSym : 0;
      f.offEnd += f.offEnd >= 0 ? shiftSym : 0;
    }
    f.start = pos;
    f.end = end;
    f.register = 'RIP';
    f.role = 'register';
    report.frames.push(f);
    all.push(f);
    open.lastLine = i;
  }
}

function collectRegisters(report: Report, line: string, pos: number, end: number, i: number): void {
  const payload = line.slice(0, end);
  // ppc `GPR00: v0 v1 v2 v3`: a numbered row of values (the pair pattern would take only `GPR00: v0`).
  const gpr = /^(GPR)(\d\d): /.exec(payload.slice(pos));
  if (gpr) {
    let n = +gpr[2];
    const re = /[0-9a-f]{16}/g;
    re.lastIndex = pos + gpr[0].length;
    let v: RegExpExecArray | null;
    while ((v = re.exec(payload)) !== null && n < 64) {
      report.registers.push(new RegisterValue(`GPR${String(n).padStart(2, '0')}`, v[0], i, v.index));
      n++;
    }
    return;
  }
  REGISTER_PAIR.lastIndex = pos;
  let m: RegExpExecArray | null;
  let guard = 0;
  while ((m = REGISTER_PAIR.exec(payload)) !== null && guard++ < 64) {
    const valueStart = m.index + m[0].length - m[2].length;
    report.registers.push(new RegisterValue(m[1], m[2], i, valueStart));
  }
}

function identify(report: Report, title: string): void {
  if (report.kind === 'soft-lockup' || report.kind === 'hard-lockup') {
    const m = SOFTLOCKUP_INFO.exec(title) ?? /on cpu (\d{1,5})/.exec(title);
    if (m) {
      report.cpu = +m[1];
      if (m[2] !== undefined) {
        report.comm = m[2];
        report.pid = +m[3];
      }
    }
  } else if (report.kind === 'hung-task') {
    const m = HUNG_TASK_INFO.exec(title);
    if (m) {
      report.comm = m[1];
      report.pid = +m[2];
    }
  } else if (report.kind === 'backtrace') {
    const n = NMI_CPU.exec(title);
    if (n) report.cpu = +n[1];
    const t = TASK_DUMP.exec(title);
    if (t) {
      report.comm = t[1];
      report.pid = +t[2];
    }
  } else if (report.kind === 'xen-crash') {
    const b = XEN_BANNER.exec(title);
    if (b) {
      report.version = b[1];
      report.taint = b[2];
    }
  } else if (report.kind === 'xen-debugkey') {
    const d = /Dumping CPU(\d{1,4})/.exec(title);
    if (d) report.cpu = +d[1];
  }
}

/** `Not tainted`, or the flags after `Tainted: `. */
function taintOf(text: string): string {
  return text === 'Not tainted' ? text : text.slice(9).trim();
}

function identifyLine(report: Report, line: string, pos: number, end: number): boolean {
  const c = line.charCodeAt(pos);
  if (c === 67 /* C */ || c === 80 /* P */) {
    const payload = line.slice(pos, end);
    // `CPU: 1 PID: 2 Comm: x Not tainted VER` or ≤3.x `Pid: 2, comm: x Not tainted VER`
    const m = IDENTITY_CPU.exec(payload);
    const o = m ? null : IDENTITY_OLD.exec(payload);
    if (m || o) {
      // the first identity line of a report wins (a panic later in the report prints its own)
      if (report.version === undefined) {
        const [cpu, pid, comm, taint, version] = m ? [+m[1], +m[2], m[3], m[4], m[5]] : [undefined, +o![1], o![2], o![3], o![4]];
        report.cpu ??= cpu;
        report.pid ??= pid;
        report.comm ??= comm;
        report.taint = taintOf(taint);
        report.version = version;
      }
      return true;
    }
    const x = XEN_CPU.exec(payload);
    if (x) {
      report.cpu ??= +x[1];
      return true;
    }
    if (payload.startsWith('CPU ') && /^CPU \d{1,5} ?$/.test(payload)) {
      report.cpu = +payload.slice(4);
      return true;
    }
  }
  if (report.version === undefined && (c === 78 || c === 84)) {
    // hung task: `      Not tainted 5.10.2 #10`
    NOT_TAINTED_LINE.lastIndex = pos;
    const n = NOT_TAINTED_LINE.exec(line.slice(0, end));
    if (n) {
      report.taint = taintOf(n[1]);
      report.version = n[2];
      return true;
    }
  }
  return false;
}

/** A frame at a position, and which of its tokens is there. */
export interface FrameHit {
  frame: Frame;
  token: FrameToken;
}

/** The frame under (line, column), for hover and go-to-definition. Binary search: O(log n). */
export function findFrameAt(log: ParsedLog, line: number, column: number): FrameHit | undefined {
  const frames = log.frames;
  let lo = 0;
  let hi = frames.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (frames[mid].line < line) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < frames.length && frames[k].line === line; k++) {
    const token = tokenAt(frames[k], column);
    if (token) return { frame: frames[k], token };
  }
  return undefined;
}

/** The report that contains a line, if any. */
export function findReportAt(log: ParsedLog, line: number): Report | undefined {
  for (const r of log.reports) if (line >= r.line && line <= r.endLine) return r;
  return undefined;
}
