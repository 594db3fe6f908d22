// Where a frame's code is: from DWARF (a long-lived llvm-symbolizer/addr2line per binary, only
// in a trusted workspace), else from an index of function definitions in the source roots, else
// from the line of the symbol in the symbol table file. Used by hover and go-to-definition.
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from '../core/oops';
import { SourceIndex } from '../core/symbols/sourceIndex';
import { Symbolizer, parsePathMapRule, type InlineChain, type PathMapRule } from '../core/symbols/symbolizer';
import type { ServerConfiguration } from '../protocol/lsp';
import type { LoadedSource, TableChoice } from '../workspace/symbolSources';

export interface SourceLocation {
  /** Absolute path when it exists locally, else as the DWARF or index says. */
  file: string;
  /** 1-based. */
  line: number;
  /** How it was found. */
  via: 'dwarf' | 'source-index' | 'symbol-table';
  /** The functions this location was inlined into, outermost last. */
  inlinedFrom?: { function: string; file: string; line: number }[];
  /** A few lines around `line`, when the file is readable. */
  snippet?: string;
}

const SNIPPET_CONTEXT = 2;

function expandHome(p: string): string {
  return p.startsWith('~/') ? path.join(os.homedir(), p.slice(2)) : p;
}

export class SourceResolver {
  private symbolizer: Symbolizer | undefined;
  private readonly indexes = new Map<string, Promise<SourceIndex>>();
  private readonly tableFileLines = new Map<string, Promise<Map<string, number>>>();
  private config: ServerConfiguration;
  private rules: PathMapRule[] = [];

  constructor(config: ServerConfiguration) {
    this.config = config;
    this.configure(config);
  }

  configure(config: ServerConfiguration): void {
    this.dispose();
    this.config = config;
    this.rules = Object.entries(config.settings.pathMap).map(([from, to]) => parsePathMapRule(`${from}=${expandHome(to)}`));
    this.indexes.clear();
    this.tableFileLines.clear();
  }

  dispose(): void {
    this.symbolizer?.dispose();
    this.symbolizer = undefined;
  }

  /** DWARF first, then the source index; undefined when neither knows. */
  async locate(frame: Frame, choice: TableChoice): Promise<SourceLocation | undefined> {
    const dwarf = await this.fromDwarf(frame, choice).catch(() => undefined);
    if (dwarf) return withSnippet(dwarf);
    const indexed = await this.fromSourceIndex(frame);
    return indexed ? withSnippet(indexed) : undefined;
  }

  /** For go-to-definition: like locate, with the symbol table file's line as the last resort. */
  async definition(frame: Frame, choice: TableChoice): Promise<SourceLocation | undefined> {
    return (await this.locate(frame, choice)) ?? (await this.fromSymbolTable(frame, choice));
  }

  private symbolizerFor(): Symbolizer | undefined {
    if (!this.config.trusted) return undefined; // no executable runs in an untrusted workspace
    const configured = this.config.settings.symbolizer.path;
    this.symbolizer ??= new Symbolizer(configured ? { path: expandHome(configured), pathMap: this.rules } : { pathMap: this.rules });
    return this.symbolizer;
  }

  private async fromDwarf(frame: Frame, choice: TableChoice): Promise<SourceLocation | undefined> {
    const elf: LoadedSource | undefined = frame.format === 'xen' ? choice.xenElf : choice.kernelElf;
    if (!elf?.table || frame.module !== undefined) return undefined;
    const symbolizer = this.symbolizerFor();
    if (!symbolizer) return undefined;
    let address: bigint | undefined;
    if (frame.symbol !== undefined && frame.offset !== undefined) {
      address = elf.table.resolveName(frame.symbol, frame.offset, frame.size)?.address;
    }
    if (address === undefined && frame.symbol === undefined) address = frame.address;
    if (address === undefined) return undefined;
    // A return address points after the call: look up the call itself, like decode_stacktrace.sh.
    const lookup = frame.role === 'trace' && frame.offset !== undefined && frame.offset > 0 ? address - 1n : address;
    const [chain] = await symbolizer.resolve(elf.status.path, [lookup]);
    return this.fromChain(chain);
  }

  private fromChain(chain: InlineChain | undefined): SourceLocation | undefined {
    const first = chain?.[0];
    if (!first?.file || !first.line) return undefined;
    const inlinedFrom = chain!
      .slice(1)
      .filter((l) => l.file && l.line)
      .map((l) => ({ function: l.function, file: this.localPath(l.file!), line: l.line! }));
    return { file: this.localPath(first.file), line: first.line, via: 'dwarf', inlinedFrom };
  }

  /** A DWARF path made local: already mapped by path rules, or relative to a source root. */
  private localPath(file: string): string {
    if (path.isAbsolute(file) && existsSync(file)) return file;
    for (const root of this.config.settings.sourceRoots) {
      const candidate = path.join(expandHome(root), file.replace(/^\/+/, ''));
      if (existsSync(candidate)) return candidate;
      // Build trees print paths relative to their root; try dropping leading components.
      const parts = file.split('/');
      for (let k = 1; k < Math.min(parts.length, 6); k++) {
        const c = path.join(expandHome(root), ...parts.slice(k));
        if (existsSync(c)) return c;
      }
    }
    return file;
  }

  private async fromSourceIndex(frame: Frame): Promise<SourceLocation | undefined> {
    if (frame.symbol === undefined) return undefined;
    for (const root of this.config.settings.sourceRoots) {
      const dir = expandHome(root);
      let index = this.indexes.get(dir);
      if (!index) {
        index = SourceIndex.build(dir);
        this.indexes.set(dir, index);
      }
      const [def] = (await index).find(frame.symbol);
      if (def) return { file: path.join(dir, def.file), line: def.line, via: 'source-index' };
    }
    return undefined;
  }

  private async fromSymbolTable(frame: Frame, choice: TableChoice): Promise<SourceLocation | undefined> {
    const source = frame.format === 'xen' ? choice.xen : choice.kernel;
    if (!source || frame.symbol === undefined) return undefined;
    const line = await this.tableLine(source.status.path, frame.symbol);
    return line === undefined ? undefined : { file: source.status.path, line, via: 'symbol-table' };
  }

  /** 1-based line of a symbol in a text symbol table file (not gzip, not ELF). */
  async tableLine(file: string, name: string): Promise<number | undefined> {
    if (file.endsWith('.gz')) return undefined;
    let lines = this.tableFileLines.get(file);
    if (!lines) {
      lines = readTableLines(file);
      this.tableFileLines.set(file, lines);
    }
    return (await lines).get(name);
  }
}

/** Symbol name → first 1-based line of a text symbol table (the last column is the name). */
async function readTableLines(file: string): Promise<Map<string, number>> {
  const map = new Map<string, number>();
  const text = await fs.readFile(file, 'latin1').catch(() => '');
  if (text.startsWith('\x7fELF')) return map;
  let line = 1;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    let end = nl;
    if (text.charCodeAt(end - 1) === 13) end--;
    let tab = text.indexOf('\t', pos);
    if (tab < 0 || tab > end) tab = end; // kallsyms: `addr t name\t[module]`
    const space = text.lastIndexOf(' ', tab);
    if (space >= pos) {
      const name = text.slice(space + 1, tab);
      if (!map.has(name)) map.set(name, line);
    }
    pos = nl + 1;
    line++;
  }
  return map;
}

async function withSnippet(loc: SourceLocation): Promise<SourceLocation> {
  try {
    const text = await fs.readFile(loc.file, 'utf8');
    const lines = text.split('\n');
    const from = Math.max(0, loc.line - 1 - SNIPPET_CONTEXT);
    const to = Math.min(lines.length, loc.line + SNIPPET_CONTEXT);
    const width = String(to).length;
    loc.snippet = lines
      .slice(from, to)
      .map((l, k) => `${String(from + k + 1).padStart(width)}${from + k + 1 === loc.line ? '>' : ' '} ${l}`)
      .join('\n');
  } catch {
    // not readable locally: the location alone still helps
  }
  return loc;
}
