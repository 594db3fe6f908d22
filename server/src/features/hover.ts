// Hover for kernel logs: a frame (symbol, offset/size checked against the table, module,
// address, Xen notes, source), a report headline (kind, CPU, task, how many share its stack), and
// register values that point into text.
import type { Hover, Position } from 'vscode-languageserver/node';
import { findFrameAt, hex, hypercallOfFrame, type Frame, type Report } from '../core/oops';
import { explainSelector } from '../core/oops/xenNotes';
import type { SymbolTable } from '../core/symbols/symbolTable';
import type { KernelLogAnalysis } from '../documents';
import type { TableChoice } from '../workspace/symbolSources';
import { reportContaining, reportStartingAt } from './reportIndex';
import type { SourceLocation } from './sourceLocations';

const CONTEXT_NAMES: Record<string, string> = {
  IRQ: 'hard interrupt',
  SOFTIRQ: 'softirq',
  NMI: 'NMI',
  '#DF': 'double-fault stack',
  task: 'task',
  regs: 'registers',
};

export interface HoverContext {
  analysis: KernelLogAnalysis;
  position: Position;
  lineText: string;
  tables: () => Promise<TableChoice>;
  /** file:line and source lines for a frame (DWARF or source index); undefined when unknown. */
  source: (frame: Frame, tables: TableChoice) => Promise<SourceLocation | undefined>;
}

function md(code: string): string {
  return '`' + code.replace(/`/g, "'") + '`';
}

function frameText(f: Frame): string {
  let s = f.symbol ?? '???';
  if (f.offset !== undefined) s += (f.offset < 0 ? '-' : '+') + '0x' + Math.abs(f.offset).toString(16);
  if (f.size !== undefined) s += '/0x' + f.size.toString(16);
  return s;
}

function tableFor(choice: TableChoice, xen: boolean): { table: SymbolTable; path: string } | undefined {
  const source = xen ? choice.xen : choice.kernel;
  return source?.table ? { table: source.table, path: source.status.path } : undefined;
}

/** What the table says about a frame: resolution of its address and agreement of its size. */
function tableLines(f: Frame, choice: TableChoice, xen: boolean): string[] {
  const t = tableFor(choice, xen);
  if (!t) return [];
  const name = t.path.split('/').pop();
  const out: string[] = [];
  if (f.symbol !== undefined && f.offset !== undefined) {
    const r = t.table.resolveName(f.symbol, f.offset, f.size, f.module);
    if (!r) {
      if (f.module === undefined) out.push(`⚠ ${md(f.symbol)} is not in ${md(name ?? t.path)}: this table may not be this kernel's.`);
    } else {
      const size = r.symbol.size === undefined ? '?' : '0x' + r.symbol.size.toString(16);
      out.push(
        r.sizeMatches === false
          ? `⚠ ${md(name ?? t.path)} says ${md(f.symbol)} is ${size} bytes, the log says 0x${f.size!.toString(16)}: this table is not this kernel's.`
          : `✓ ${md(name ?? t.path)}: ${md(f.symbol)} at ${md(hex(r.symbol.address)!)}, size ${size} → ${md(hex(r.address)!)}`,
      );
    }
  } else if (f.address !== undefined) {
    const hit = t.table.lookup(f.address);
    out.push(hit ? `${md(name ?? t.path)}: ${md(`${hit.name}+0x${hit.offset.toString(16)}/0x${(hit.size ?? 0).toString(16)}`)}` : `${md(hex(f.address)!)} is not in the text of ${md(name ?? t.path)}`);
  }
  return out;
}

async function frameHover(ctx: HoverContext, f: Frame): Promise<string> {
  const lines: string[] = [];
  const title = f.role === 'register' ? `**${f.register}** = ${md(hex(f.address) ?? '?')}` : `**${md(frameText(f))}**`;
  const facts: string[] = [];
  if (f.module) facts.push(`module ${md(f.module)}${f.buildId ? ` (build id ${md(f.buildId)})` : ''}`);
  if (!f.reliable) facts.push('unreliable: found by scanning the stack, not confirmed by the unwinder');
  if (f.xenMarker) facts.push(`Xen marker ${md(f.xenMarker)}`);
  if (f.context && f.context !== 'task') facts.push(`${CONTEXT_NAMES[f.context] ?? f.context} context`);
  lines.push(title + (facts.length ? ' — ' + facts.join('; ') : ''));
  if (f.address !== undefined && f.role !== 'register') lines.push('', `Address ${md(hex(f.address)!)}`);
  const hc = hypercallOfFrame(f);
  if (hc) lines.push('', hc);
  const choice = await ctx.tables();
  // Register lines of a (XEN) report hold hypervisor addresses too.
  const xen = f.format === 'xen' || reportContaining(ctx.analysis.log, f.line)?.xen === true;
  const table = tableLines(f, choice, xen);
  if (table.length) lines.push('', ...table);
  if (f.role === 'register' && f.address !== undefined) {
    const t = tableFor(choice, xen);
    const hit = f.symbol === undefined ? t?.table.lookup(f.address) : undefined;
    if (hit) lines.push('', `→ ${md(`${hit.name}+0x${hit.offset.toString(16)}/0x${(hit.size ?? 0).toString(16)}`)}`);
  }
  if (f.sourceFile) lines.push('', `${md(`${f.sourceFile}:${f.sourceLine ?? '?'}`)}${f.inlined ? ' (inlined)' : ''}`);
  const source = await ctx.source(f, choice);
  if (source) {
    lines.push('', `${md(`${source.file}:${source.line}`)}`);
    for (const inl of source.inlinedFrom ?? []) lines.push(`  inlined into ${md(inl.function)} at ${md(`${inl.file}:${inl.line}`)}`);
    if (source.snippet) lines.push('', '```c', source.snippet, '```');
  }
  return lines.join('\n');
}

function headlineHover(analysis: KernelLogAnalysis, report: Report): string {
  const group = analysis.groups.find((g) => g.group === report.group);
  const others = group ? group.count - 1 : 0;
  const facts: string[] = [`kind: ${report.kind}`];
  if (report.cpu !== undefined) facts.push(`CPU ${report.cpu}`);
  if (report.comm !== undefined) facts.push(`task ${md(report.comm)}${report.pid !== undefined ? ` (pid ${report.pid})` : ''}`);
  if (report.version) facts.push(`${report.xen ? 'Xen' : 'kernel'} ${md(report.version)}`);
  if (report.taint) facts.push(report.taint === 'Not tainted' ? 'not tainted' : `tainted ${md(report.taint)}`);
  const lines = [`**${report.title}**`, '', facts.join(' · ')];
  const stack = report.signature ? report.signature.split(' < ').slice(0, 4).join(' ← ') : '';
  if (stack) lines.push('', `Stack: ${md(stack)}`);
  lines.push('', others > 0 ? `Same stack as ${others} other report${others === 1 ? '' : 's'} in this log.` : 'No other report in this log has this stack.');
  return lines.join('\n');
}

/** The selector in `RIP: e030:…` under the cursor, explained. */
function selectorHover(lineText: string, column: number): { text: string; start: number; end: number } | undefined {
  for (const m of lineText.matchAll(/\b(?:RIP|RSP|EIP|ESP|CS|SS): {0,8}([0-9a-f]{4})\b/g)) {
    const start = m.index + m[0].length - 4;
    if (column < start || column > start + 4) continue;
    const why = explainSelector(m[1]);
    if (why) return { text: `**Selector ${md(m[1])}**: ${why}`, start, end: start + 4 };
  }
  return undefined;
}

export async function kernelLogHover(ctx: HoverContext): Promise<Hover | null> {
  const { analysis, position } = ctx;
  const range = (start: number, end: number) => ({ start: { line: position.line, character: start }, end: { line: position.line, character: end } });
  const selector = selectorHover(ctx.lineText, position.character);
  if (selector) return { contents: { kind: 'markdown', value: selector.text }, range: range(selector.start, selector.end) };
  const hit = findFrameAt(analysis.log, position.line, position.character);
  if (hit) {
    return { contents: { kind: 'markdown', value: await frameHover(ctx, hit.frame) }, range: range(hit.frame.start, hit.frame.end) };
  }
  const report = reportStartingAt(analysis.log, position.line);
  if (report) return { contents: { kind: 'markdown', value: headlineHover(analysis, report) }, range: range(0, ctx.lineText.length) };
  return null;
}
