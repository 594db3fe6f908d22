// File:line (with inline chains) from DWARF through one long-lived batch process per binary:
// `llvm-symbolizer` (blank line after each answer) or `addr2line -a -f -i` (a `0x…` header before
// each answer; a sentinel query closes the last one). Requests are pipelined: a batch of addresses
// is written at once and answers are matched to requests in order.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

/** One level of an inline chain. */
export interface SourceLocation {
  function: string;
  /** Path as the DWARF says, after path-map rules; undefined when unknown (`??`). */
  file: string | undefined;
  line: number | undefined;
  column: number | undefined;
}

/** Innermost first: [inlined callee, …, the function that contains it]. */
export type InlineChain = SourceLocation[];

/** `debian/build/build_amd64_none_amd64/` → `/home/me/src/linux/`. */
export interface PathMapRule {
  from: string;
  to: string;
}

export type SymbolizerTool = 'llvm-symbolizer' | 'addr2line';

export interface SymbolizerOptions {
  tool?: SymbolizerTool;
  /** Executable path; default: the tool's name on PATH. */
  path?: string;
  pathMap?: readonly PathMapRule[];
}

/** Parses `FROM=TO`. */
export function parsePathMapRule(text: string): PathMapRule {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new Error(`path map rule must be FROM=TO: ${JSON.stringify(text)}`);
  return { from: text.slice(0, eq), to: text.slice(eq + 1) };
}

/** Applies the first rule whose `from` is a prefix of the path (or occurs in it after a build root). */
export function applyPathMap(file: string, rules: readonly PathMapRule[]): string {
  for (const r of rules) {
    if (file.startsWith(r.from)) return r.to + file.slice(r.from.length);
  }
  for (const r of rules) {
    const at = file.indexOf(r.from);
    if (at > 0 && file[at - 1] === '/') return r.to + file.slice(at + r.from.length);
  }
  return file;
}

/** The first installed tool: llvm-symbolizer, then addr2line. */
export function detectSymbolizer(): { tool: SymbolizerTool; path: string } | undefined {
  for (const tool of ['llvm-symbolizer', 'addr2line'] as const) {
    const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
    if (!r.error && r.status === 0) return { tool, path: tool };
  }
  return undefined;
}

interface Pending {
  sentinel: boolean;
  lines: string[];
  resolve: (chain: InlineChain) => void;
  reject: (err: Error) => void;
}

function parseLocation(fn: string, loc: string, rules: readonly PathMapRule[]): SourceLocation {
  // `file:line:col` (llvm), `file:line` or `file:line (discriminator 2)` (addr2line), `??:0`, `??:?`
  const text = loc.replace(/ \(discriminator \d+\)$/, '');
  const m = /^(.*?):(\d+|\?)(?::(\d+))?$/.exec(text);
  const file = m ? m[1] : text;
  const line = m && m[2] !== '?' ? +m[2] : undefined;
  const known = file !== '??' && file !== '';
  return {
    function: fn,
    file: known ? applyPathMap(file, rules) : undefined,
    line: known && line !== 0 ? line : undefined,
    column: m && m[3] !== undefined && +m[3] > 0 ? +m[3] : undefined,
  };
}

/** One tool process for one binary. */
class BatchProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private current: Pending | undefined;
  private buffer = '';
  private dead: Error | undefined;

  constructor(readonly tool: SymbolizerTool, exe: string, readonly binary: string, private readonly rules: readonly PathMapRule[]) {
    const args = tool === 'llvm-symbolizer'
      ? ['--obj=' + binary, '--inlines', '--functions=linkage', '--output-style=LLVM']
      : ['-a', '-f', '-i', '-e', binary];
    this.child = spawn(exe, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => this.onData(chunk));
    let stderr = '';
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (c: string) => {
      if (stderr.length < 4000) stderr += c;
    });
    this.child.on('error', (e: NodeJS.ErrnoException) => {
      const pkg = tool === 'llvm-symbolizer' ? 'llvm' : 'binutils';
      this.fail(new Error(e.code === 'ENOENT' ? `${exe} not found: install ${pkg} or set the symbolizer path` : `${exe}: ${e.message}`));
    });
    this.child.on('exit', (code, signal) => {
      this.fail(new Error(`${exe} exited (${signal ?? code}) for ${binary}${stderr ? ': ' + stderr.trim() : ''}`));
    });
    this.child.stdin.on('error', () => undefined);
  }

  private fail(err: Error): void {
    if (this.dead) return;
    this.dead = err;
    const all = this.current ? [this.current, ...this.queue] : [...this.queue];
    this.current = undefined;
    this.queue.length = 0;
    for (const p of all) if (!p.sentinel) p.reject(err);
  }

  private finish(p: Pending | undefined): void {
    if (!p || p.sentinel) return;
    const chain: InlineChain = [];
    for (let k = 0; k + 1 < p.lines.length; k += 2) chain.push(parseLocation(p.lines[k], p.lines[k + 1], this.rules));
    p.resolve(chain);
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    if (this.tool === 'llvm-symbolizer') {
      if (line === '') {
        if (this.current) {
          this.finish(this.current);
          this.current = undefined;
        }
        return;
      }
      if (!this.current) this.current = this.queue.shift();
      this.current?.lines.push(line);
      return;
    }
    if (/^0x[0-9a-f]+$/.test(line)) {
      this.finish(this.current);
      this.current = this.queue.shift();
      return;
    }
    this.current?.lines.push(line);
  }

  resolve(addresses: readonly bigint[]): Promise<InlineChain[]> {
    if (this.dead) return Promise.reject(this.dead);
    const promises = addresses.map((_) => new Promise<InlineChain>((resolve, reject) => {
      this.queue.push({ sentinel: false, lines: [], resolve, reject });
    }));
    let input = addresses.map((a) => '0x' + a.toString(16)).join('\n') + '\n';
    if (this.tool === 'addr2line') {
      // addr2line's last answer ends only when the next header comes: a sentinel query supplies it
      this.queue.push({ sentinel: true, lines: [], resolve: () => undefined, reject: () => undefined });
      input += '0\n';
    }
    this.child.stdin.write(input);
    return Promise.all(promises);
  }

  dispose(): void {
    this.child.stdin.end();
    this.child.kill();
    this.fail(new Error('symbolizer disposed'));
  }
}

/** Source lines for addresses in ELF binaries (vmlinux, .ko, xen-syms), one process per binary. */
export class Symbolizer {
  private readonly processes = new Map<string, BatchProcess>();
  readonly tool: SymbolizerTool;
  private readonly exe: string;
  private readonly rules: readonly PathMapRule[];

  constructor(options: SymbolizerOptions = {}) {
    const detected = options.tool === undefined && options.path === undefined ? detectSymbolizer() : undefined;
    this.tool = options.tool ?? detected?.tool ?? (options.path && /addr2line/.test(options.path) ? 'addr2line' : 'llvm-symbolizer');
    this.exe = options.path ?? detected?.path ?? this.tool;
    this.rules = options.pathMap ?? [];
  }

  /** Inline chains for addresses in `binary` (as the DWARF sees them: no KASLR slide). */
  resolve(binary: string, addresses: readonly bigint[]): Promise<InlineChain[]> {
    if (addresses.length === 0) return Promise.resolve([]);
    let p = this.processes.get(binary);
    if (!p) {
      p = new BatchProcess(this.tool, this.exe, binary, this.rules);
      this.processes.set(binary, p);
    }
    return p.resolve(addresses).catch((e: unknown) => {
      this.processes.delete(binary);
      throw e;
    });
  }

  /** Kills every process. */
  dispose(): void {
    for (const p of this.processes.values()) p.dispose();
    this.processes.clear();
  }
}

/** `file:line` of a location, or `??:?`. */
export function formatLocation(loc: SourceLocation): string {
  return `${loc.file ?? '??'}:${loc.line ?? '?'}`;
}
