// Stack signatures: what a report's stack is, with the noise (offsets, addresses, compiler clone
// suffixes, unreliable `? ` frames, the reporting machinery) taken out, so that twenty soft lockups
// with the same stack fall into one group.
import type { Frame } from './frames';
import type { Report } from './reports';

/** Frames that print the report rather than cause it. */
const REPORTING_FRAMES = new Set([
  'dump_stack', 'dump_stack_lvl', 'show_stack', 'show_trace_log_lvl', 'show_regs', 'unwind_backtrace',
  '__warn', 'warn_slowpath_common', 'warn_slowpath_fmt', 'warn_slowpath_null', 'report_bug', 'handle_bug',
  'exc_invalid_op', 'asm_exc_invalid_op', 'panic', 'printk', 'vprintk', 'vprintk_emit', 'print_address_description',
  'kasan_report', '__kasan_report', 'nmi_cpu_backtrace', 'nmi_trigger_cpumask_backtrace', 'arch_trigger_cpumask_backtrace',
  'show_stack_log_lvl', 'dump_backtrace', 'print_stack_trace', 'lockdep_print_held_locks', 'debug_show_all_locks',
  'sched_show_task', 'show_state_filter', 'sysrq_handle_showstate', 'show_trace', 'show_execution_state',
]);

/** Frames per signature that decide the group: near-identical stacks differ only further down. */
export const GROUP_DEPTH = 6;
/** Frames kept in a signature. */
export const SIGNATURE_DEPTH = 16;

/** `csd_lock_wait.isra.1` → `csd_lock_wait`; `foo.cold.12`, `.constprop.0`, `.part.3`, `.llvm.123` likewise. */
export function normalizeSymbol(symbol: string): string {
  let s = symbol;
  const dot = s.indexOf('.');
  if (dot > 0) {
    const cut = /\.(?:isra|constprop|part|cold|llvm|lto_priv|localalias)(?:\.\d+)?(?=\.|$)/.exec(s);
    if (cut) s = s.slice(0, cut.index);
  }
  return s;
}

/** The frames that make a report's stack: reliable trace frames with a symbol. */
export function signatureFrames(report: Report): Frame[] {
  const out: Frame[] = [];
  for (const f of report.frames) {
    if (f.role !== 'trace' || !f.reliable || f.symbol === undefined) continue;
    if (f.symbol.startsWith('__pfx_')) continue;
    out.push(f);
  }
  return out;
}

/** `sym < caller < caller…`, offsets dropped, at most SIGNATURE_DEPTH frames. */
export function reportSignature(report: Report): string {
  const names: string[] = [];
  let skipping = true;
  for (const f of signatureFrames(report)) {
    const name = normalizeSymbol(f.symbol!);
    if (skipping && REPORTING_FRAMES.has(name)) continue;
    skipping = false;
    if (names[names.length - 1] === name) continue;
    names.push(name);
    if (names.length >= SIGNATURE_DEPTH) break;
  }
  if (names.length === 0) {
    // no trace: the faulting register frame stands for the stack
    const pc = report.frames.find((f) => f.role === 'register' && f.symbol !== undefined);
    if (pc) names.push(normalizeSymbol(pc.symbol!));
  }
  if (names.length === 0) return `${report.kind}: ${report.title.replace(/0x[0-9a-f]+|\b\d+\b/g, 'N')}`;
  return names.join(' < ');
}

/** Interrupt-like contexts: the timer tick that reports a lockup is the same in every report. */
const INTERRUPT_CONTEXTS = new Set(['IRQ', 'NMI', 'SOFTIRQ', '#DF', '#MC', '#DB']);

/**
 * What decides a report's group: its kind and the first GROUP_DEPTH reliable frames of the
 * interrupted task when the trace has one (the IRQ part of a lockup trace is the watchdog itself).
 */
export function groupKey(report: Report): string {
  const frames = signatureFrames(report);
  const task = frames.filter((f) => !INTERRUPT_CONTEXTS.has(f.context));
  const use = task.length > 0 && task.length < frames.length ? task : frames;
  const names: string[] = [];
  for (const f of use) {
    const n = normalizeSymbol(f.symbol!);
    if (names[names.length - 1] !== n && !(names.length === 0 && REPORTING_FRAMES.has(n))) names.push(n);
    if (names.length >= GROUP_DEPTH) break;
  }
  return report.kind + '|' + (names.length > 0 ? names.join(' < ') : report.signature);
}

/** Group index per report: same kind and same first GROUP_DEPTH frames (see groupKey). */
export function groupReports(reports: readonly Report[]): number[] {
  const keys = new Map<string, number>();
  return reports.map((r) => {
    const key = groupKey(r);
    let g = keys.get(key);
    if (g === undefined) {
      g = keys.size;
      keys.set(key, g);
    }
    return g;
  });
}

/** One distinct stack and the reports that have it. */
export interface StackGroup {
  group: number;
  kind: string;
  signature: string;
  title: string;
  count: number;
  /** Indexes into the report list. */
  reports: number[];
}

/** The distinct stacks of a log, most frequent first (ties: first seen first). */
export function stackGroups(reports: readonly Report[]): StackGroup[] {
  const groups: StackGroup[] = [];
  reports.forEach((r, index) => {
    let g = groups.find((x) => x.group === r.group);
    if (!g) {
      g = { group: r.group, kind: r.kind, signature: r.signature, title: r.title, count: 0, reports: [] };
      groups.push(g);
    }
    g.count++;
    g.reports.push(index);
  });
  return groups.sort((a, b) => b.count - a.count || a.group - b.group);
}
