// `xenscope oops parse|symbolize|groups`: the log-parsing and symbol core on the command line.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { BufferedOutput } from './bufferedOutput';
import type { CliCommand, CliIo } from './command';
import { UsageError } from './command';
import { parseLogFile } from '../core/oops/logFile';
import { parseLog, type ParsedLog, type Report } from '../core/oops/reports';
import { hex, type Frame } from '../core/oops/frames';
import { stackGroups } from '../core/oops/signature';
import { xenNotesForReport } from '../core/oops/xenNotes';
import { loadSymbolFile } from '../core/symbols/loaders';
import { checkFramesAgainstTable } from '../core/symbols/consistency';
import { FrameResolver, type ResolvedFrame, type ResolverSources } from '../core/symbols/frameResolver';
import { parsePathMapRule, Symbolizer, formatLocation, applyPathMap, type PathMapRule } from '../core/symbols/symbolizer';
import { SourceIndex } from '../core/symbols/sourceIndex';

const USAGE = `usage: xenscope oops parse FILE [--json]
       xenscope oops symbolize FILE [--map MAP] [--vmlinux ELF] [--modules DIR] [--xen-syms ELF]
                                    [--xen-map MAP] [--source-root DIR] [--path-map FROM=TO]… [--json]
       xenscope oops groups FILE [--json]

parse      the reports in a kernel or Xen log (kind, lines, CPU, title, signature, frames).
           --json prints {"reports": [...]}: kind, title, line (0-based), endLine, cpu,
           signature, group, frames (line, symbol, offset, size, address, module,
           reliable, context).
symbolize  the log with each frame annotated (file:line of the call site, inlined
           callers after it), as decode_stacktrace.sh prints it; bare addresses get
           sym+off/size from --map (System.map or kallsyms; Xen: --xen-map). --json adds
           a "resolved" object to every frame. --path-map maps build paths to a local
           tree; --source-root finds definitions when there is no DWARF.
groups     the distinct stacks with how many reports have each.

Exit status: 0 ok; 1 unreadable input or a symbol table that does not match the log.`;

interface Options {
  sub: 'parse' | 'symbolize' | 'groups';
  file: string;
  json: boolean;
  map?: string;
  vmlinux?: string;
  modules?: string;
  xenSyms?: string;
  xenMap?: string;
  sourceRoot?: string;
  pathMap: PathMapRule[];
}

/** Options of `oops symbolize` that take one path. */
const PATH_OPTIONS: Record<string, 'map' | 'vmlinux' | 'modules' | 'xenSyms' | 'xenMap' | 'sourceRoot'> = {
  '--map': 'map',
  '--vmlinux': 'vmlinux',
  '--modules': 'modules',
  '--xen-syms': 'xenSyms',
  '--xen-map': 'xenMap',
  '--source-root': 'sourceRoot',
};

function parseArgs(args: string[]): Options {
  const [sub, ...rest] = args;
  if (sub !== 'parse' && sub !== 'symbolize' && sub !== 'groups') {
    throw new UsageError(sub === undefined ? 'missing subcommand (parse, symbolize or groups)' : `unknown subcommand '${sub}'`);
  }
  const o: Options = { sub, file: '', json: false, pathMap: [] };
  for (let k = 0; k < rest.length; k++) {
    const a = rest[k];
    const value = (): string => {
      const v = rest[++k];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    const symbolizeOnly = (): void => {
      if (sub !== 'symbolize') throw new UsageError(`${a} is an option of 'oops symbolize'`);
    };
    if (a === '--json') o.json = true;
    else if (Object.hasOwn(PATH_OPTIONS, a)) {
      symbolizeOnly();
      o[PATH_OPTIONS[a]] = value();
    }
    else if (a === '--path-map') {
      symbolizeOnly();
      try {
        o.pathMap.push(parsePathMapRule(value()));
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else if (o.file === '') o.file = a;
    else throw new UsageError(`unexpected argument '${a}'`);
  }
  if (o.file === '') throw new UsageError('missing FILE');
  return o;
}

async function readLog(file: string): Promise<string> {
  let data: Buffer;
  try {
    data = await fs.readFile(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
  return data.toString('utf8');
}

function frameJson(f: Frame): Record<string, unknown> {
  return {
    line: f.line,
    symbol: f.symbol ?? null,
    offset: hex(f.offset),
    size: hex(f.size),
    address: hex(f.address),
    module: f.module ?? null,
    reliable: f.reliable,
    context: f.context,
  };
}

function resolvedJson(r: ResolvedFrame): Record<string, unknown> {
  return {
    symbol: r.symbol ?? null,
    offset: hex(r.offset),
    size: hex(r.size),
    binary: r.binary ?? null,
    address: hex(r.lookupAddress),
    chain: r.chain?.map((c) => ({ function: c.function, file: c.file ?? null, line: c.line ?? null, column: c.column ?? null })) ?? null,
    definitions: r.definitions ?? null,
    problem: r.problem ?? null,
  };
}

function reportJson(r: Report, resolved?: Map<Frame, ResolvedFrame>): Record<string, unknown> {
  return {
    kind: r.kind,
    title: r.title,
    line: r.line,
    endLine: r.endLine,
    cpu: r.cpu ?? null,
    signature: r.signature,
    group: r.group,
    frames: r.frames.map((f) => {
      const j = frameJson(f);
      if (resolved) {
        const x = resolved.get(f);
        j.resolved = x ? resolvedJson(x) : null;
      }
      return j;
    }),
  };
}

function reportHeading(r: Report, index: number): string {
  const who = [r.cpu !== undefined ? `CPU ${r.cpu}` : '', r.pid !== undefined ? `PID ${r.pid}` : '', r.comm ?? ''].filter(Boolean).join(' ');
  return `#${index} ${r.kind} lines ${r.line + 1}-${r.endLine + 1}${who ? ` (${who})` : ''}${r.version ? ` ${r.version}` : ''}: ${r.title}`;
}

function frameText(f: Frame): string {
  const sym = f.symbol === undefined ? '' : `${f.symbol}${f.offset !== undefined ? `+${hex(f.offset)}${f.size !== undefined ? `/${hex(f.size)}` : ''}` : ''}`;
  const addr = f.address !== undefined ? `[<${f.address.toString(16)}>] ` : '';
  const mod = f.module !== undefined ? ` [${f.module}]` : '';
  const reg = f.register !== undefined ? `${f.register}: ` : '';
  return `${reg}${addr}${f.reliable ? '' : '? '}${sym || '???'}${mod}`;
}

async function runParse(o: Options, log: ParsedLog, out: BufferedOutput, lines: string[]): Promise<void> {
  if (o.json) {
    await out.line(JSON.stringify({ reports: log.reports.map((r) => reportJson(r)) }));
    return;
  }
  if (log.reports.length === 0) await out.line('no reports found');
  for (let i = 0; i < log.reports.length; i++) {
    const r = log.reports[i];
    await out.line(reportHeading(r, i));
    await out.line(`  signature (group ${r.group}): ${r.signature}`);
    for (const n of xenNotesForReport(r, (l) => lines[l] ?? '')) await out.line(`  note (line ${n.line + 1}): ${n.message}`);
    for (const f of r.frames) await out.line(`  ${String(f.line + 1).padStart(6)} ${f.context.padEnd(5)} ${frameText(f)}`);
  }
}

async function runGroups(o: Options, log: ParsedLog, out: BufferedOutput): Promise<void> {
  const groups = stackGroups(log.reports);
  if (o.json) {
    await out.line(JSON.stringify({
      groups: groups.map((g) => ({ group: g.group, kind: g.kind, count: g.count, signature: g.signature, title: g.title, lines: g.reports.map((i) => log.reports[i].line) })),
    }));
    return;
  }
  if (groups.length === 0) await out.line('no reports found');
  for (const g of groups) {
    const first = log.reports[g.reports[0]];
    await out.line(`${String(g.count).padStart(5)}  ${g.kind}  ${g.signature}`);
    await out.line(`       first at line ${first.line + 1}: ${g.title}`);
  }
}

/** decode_stacktrace.sh style: `sym+off/size` becomes `sym (file:line inlined-caller-file:line)`. */
function annotateLine(line: string, frames: Frame[], resolved: Map<Frame, ResolvedFrame>): string {
  let out = '';
  let at = 0;
  for (const f of frames) {
    const r = resolved.get(f);
    if (!r) continue;
    const where = r.chain
      ? ` (${r.chain.map(formatLocation).join(' ')})`
      : r.definitions && r.definitions.length > 0
        ? ` (${r.definitions.map((d) => `${d.file}:${d.line}`).join(' ')})`
        : '';
    if (f.symStart >= 0 && f.symStart >= at) {
      if (!where) continue; // nothing learnt: keep the frame as printed
      const end = f.offEnd >= 0 ? f.offEnd : f.symEnd;
      out += line.slice(at, f.symStart) + f.symbol + where;
      at = end;
    } else if (f.symbol === undefined && r.symbol !== undefined && f.addrEnd >= at) {
      // bare address: name it
      const close = line.indexOf(']', f.addrEnd);
      const insertAt = close >= 0 && close - f.addrEnd <= 1 ? close + 1 : f.addrEnd;
      const name = r.offset === undefined ? r.symbol : `${r.symbol}+${hex(r.offset)}${r.size !== undefined ? `/${hex(r.size)}` : ''}`;
      out += line.slice(at, insertAt) + ` ${name}${where}`;
      at = insertAt;
    } else if (where && f.end >= at) {
      out += line.slice(at, f.end) + where;
      at = f.end;
    }
  }
  return out + line.slice(at);
}

async function runSymbolize(o: Options, log: ParsedLog, out: BufferedOutput, lines: string[], io: CliIo): Promise<number> {
  let status = 0;
  const sources: ResolverSources = { kernelOffset: log.kernelOffset };
  if (o.map) {
    sources.map = await loadSymbolFile(o.map);
    for (const n of sources.map.notes) io.stderr(`xenscope oops symbolize: ${n}\n`);
    const check = checkFramesAgainstTable(log.frames.filter((f) => f.format !== 'xen' && f.context !== 'xen'), sources.map);
    if (check.verdict === 'mismatch') {
      io.stderr(`xenscope oops symbolize: ${check.message}\n`);
      status = 1;
    }
  }
  if (o.xenMap) sources.xenMap = await loadSymbolFile(o.xenMap);
  for (const [opt, p] of [['--vmlinux', o.vmlinux], ['--xen-syms', o.xenSyms], ['--modules', o.modules], ['--source-root', o.sourceRoot]] as const) {
    if (p !== undefined) {
      try {
        await fs.access(p);
      } catch {
        throw new UsageError(`${opt} ${p}: no such file or directory`);
      }
    }
  }
  sources.vmlinux = o.vmlinux;
  sources.xenSyms = o.xenSyms;
  sources.modulesDir = o.modules;
  if (o.vmlinux || o.xenSyms || o.modules) sources.symbolizer = new Symbolizer({ pathMap: o.pathMap });
  if (o.sourceRoot) sources.sourceIndex = await SourceIndex.build(o.sourceRoot);
  const resolver = new FrameResolver(sources);
  try {
    const all = log.frames.filter((f) => !f.inlined);
    const results = await resolver.resolveFrames(all);
    const resolved = new Map<Frame, ResolvedFrame>();
    all.forEach((f, k) => resolved.set(f, results[k]));
    if (o.sourceRoot) {
      // DWARF paths relative to the build directory are shown under the source root
      for (const r of results) {
        for (const c of r.chain ?? []) if (c.file && !path.isAbsolute(c.file)) c.file = path.join(o.sourceRoot, applyPathMap(c.file, o.pathMap));
      }
    }
    if (o.json) {
      await out.line(JSON.stringify({ reports: log.reports.map((r) => reportJson(r, resolved)) }));
      return status;
    }
    let k = 0;
    for (let i = 0; i < lines.length; i++) {
      const onLine: Frame[] = [];
      while (k < all.length && all[k].line < i) k++;
      for (let j = k; j < all.length && all[j].line === i; j++) onLine.push(all[j]);
      onLine.sort((a, b) => a.start - b.start);
      await out.line(onLine.length > 0 ? annotateLine(lines[i], onLine, resolved) : lines[i]);
    }
    return status;
  } finally {
    resolver.dispose();
  }
}

export const oopsCommand: CliCommand = {
  summary: 'parse kernel/Xen oops logs, group stacks, resolve frames to source',
  usage: USAGE,
  async run(args: string[], io: CliIo): Promise<number> {
    const o = parseArgs(args);
    const out = new BufferedOutput(io);
    const report = (log: ParsedLog, empty: boolean) => {
      for (const d of log.diagnostics) io.stderr(`${o.file}:${d.line + 1}: ${d.severity}: ${d.message}\n`);
      if (empty) io.stderr(`${o.file}: empty file\n`);
    };
    if (o.sub === 'groups') {
      // Groups need no line text: the log is parsed as it is read, whatever its size.
      const read = await parseLogFile(o.file);
      if (!read || 'error' in read) throw new Error(read?.error ?? `cannot read ${o.file}`);
      report(read.log, read.bytes === 0);
      await runGroups(o, read.log, out);
      await out.flush();
      return 0;
    }
    const text = await readLog(o.file);
    const log = parseLog(text);
    report(log, text.length === 0);
    const lines = text.split('\n');
    if (lines.length > 0 && lines[lines.length - 1] === '' && text.endsWith('\n')) lines.pop();
    let status = 0;
    if (o.sub === 'parse') await runParse(o, log, out, lines);
    else status = await runSymbolize(o, log, out, lines, io);
    await out.flush();
    return status;
  },
};
