// Which symbol tables a log is read against: the ones settings name, the ones found in the
// workspace (System.map*, kallsyms*, *.map, vmlinux*, xen-syms*), and the ones the user picked.
// Each file is loaded once (until it changes on disk) and shared by every document; for each
// log the tables are matched by the version it prints and checked against its frames.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Frame } from '../core/oops';
import { checkFramesAgainstTable, type ConsistencyReport } from '../core/symbols/consistency';
import { findFiles } from '../core/symbols/fileWalk';
import { symbolTableFromBytes, SymbolTableError } from '../core/symbols/loaders';
import type { SymbolTable } from '../core/symbols/symbolTable';
import type { ServerConfiguration, SymbolSourceStatus } from '../protocol/lsp';

const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);
const DISCOVERY_NAME = /^(?:System\.map.*|kallsyms.*|.*\.map(?:\.gz)?|vmlinux.*|xen-syms.*)$/;
const DISCOVERY_SKIP_DIRS = new Set(['node_modules', '.git', '.svn', '.hg', 'dist', 'out']);
const DISCOVERY_MAX_DEPTH = 3;
const DISCOVERY_MAX_ENTRIES = 5000;
/** Frames sampled when checking a table against a log. */
const CHECK_SAMPLE = 4000;

export interface LoadedSource {
  status: SymbolSourceStatus;
  table: SymbolTable | undefined;
  /** A Xen hypervisor table (Xen's .map or xen-syms) rather than a Linux one. */
  xen: boolean;
  mtimeMs: number;
}

/** The tables chosen for one log. */
export interface TableChoice {
  kernel: LoadedSource | undefined;
  xen: LoadedSource | undefined;
  kernelCheck: ConsistencyReport | undefined;
  xenCheck: ConsistencyReport | undefined;
  /** ELF files with DWARF (vmlinux, xen-syms) whose symbols agree with the frames. */
  kernelElf: LoadedSource | undefined;
  xenElf: LoadedSource | undefined;
}

function kindOf(file: string, xen: boolean, elf: boolean): SymbolSourceStatus['kind'] {
  if (elf) return xen ? 'xen-syms' : 'vmlinux';
  if (xen) return 'xen-map';
  return /kallsyms/i.test(path.basename(file)) ? 'kallsyms' : 'map';
}

/** Xen's C entry point is `__start_xen`; a Linux table has `start_kernel` instead. */
function looksLikeXen(file: string, table: SymbolTable): boolean {
  if (/xen-syms|^xen[.-]/i.test(path.basename(file))) return true;
  return table.symbolsNamed('__start_xen').length > 0 && table.symbolsNamed('start_kernel').length === 0;
}

export class SymbolSources {
  private config: ServerConfiguration;
  private readonly loaded = new Map<string, Promise<LoadedSource>>();
  private picked: string[] = [];
  private discovered: Promise<string[]> | undefined;
  /** Per parsed log; replaced whenever the set of tables changes. */
  private choices = new WeakMap<object, Promise<TableChoice>>();

  constructor(config: ServerConfiguration) {
    this.config = config;
  }

  configure(config: ServerConfiguration): void {
    this.config = config;
    this.discovered = undefined;
    this.loaded.clear();
    this.choices = new WeakMap();
  }

  get trusted(): boolean {
    return this.config.trusted;
  }

  /** Adds a file the user picked; it takes part in every later choice. */
  async pick(file: string): Promise<SymbolSourceStatus> {
    if (!this.picked.includes(file)) this.picked.push(file);
    this.choices = new WeakMap();
    const source = await this.load(file, 'picked');
    return source.status;
  }

  /** Every candidate path, in order of preference: picked, settings, workspace. */
  async candidates(): Promise<{ file: string; origin: string }[]> {
    const s = this.config.settings;
    const out: { file: string; origin: string }[] = [];
    const add = (file: string, origin: string) => {
      if (!out.some((c) => c.file === file)) out.push({ file, origin });
    };
    for (const f of this.picked) add(f, 'picked');
    for (const f of [...s.symbols.maps, ...s.symbols.vmlinux, ...s.symbols.xenSyms]) add(f, 'setting');
    if (s.discoverSymbols) for (const f of await this.discover()) add(f, 'workspace');
    return out;
  }

  /** Loads (once) every candidate and returns what loaded, errors included. */
  async sources(): Promise<LoadedSource[]> {
    const candidates = await this.candidates();
    return Promise.all(candidates.map((c) => this.load(c.file, c.origin)));
  }

  /** Picks the kernel and Xen tables for a log (cached per parsed log object). */
  choose(key: object, frames: readonly Frame[], version: string | undefined): Promise<TableChoice> {
    let choice = this.choices.get(key);
    if (!choice) {
      choice = this.sources().then((sources) => chooseTables(sources, frames, version));
      this.choices.set(key, choice);
    }
    return choice;
  }

  private load(file: string, origin: string): Promise<LoadedSource> {
    let p = this.loaded.get(file);
    if (!p) {
      p = loadSource(file, origin, this.config.trusted);
      this.loaded.set(file, p);
    }
    return p;
  }

  private discover(): Promise<string[]> {
    this.discovered ??= discoverSymbolFiles(this.config.workspaceFolders);
    return this.discovered;
  }
}

async function loadSource(file: string, origin: string, trusted: boolean): Promise<LoadedSource> {
  const base: SymbolSourceStatus = { path: file, kind: 'map', symbols: 0, origin };
  let data: Buffer;
  let mtimeMs = 0;
  try {
    const stat = await fs.stat(file);
    mtimeMs = stat.mtimeMs;
    if (!stat.isFile()) throw new Error('not a regular file');
    data = await fs.readFile(file);
  } catch (e) {
    return { status: { ...base, error: `cannot read: ${(e as Error).message}` }, table: undefined, xen: false, mtimeMs };
  }
  const elf = data.subarray(0, 4).equals(ELF_MAGIC);
  if (elf && !trusted) {
    // Reading an ELF's symbols runs nm: no executable runs in an untrusted workspace.
    return { status: { ...base, kind: 'vmlinux', error: 'an ELF file: not read in an untrusted workspace' }, table: undefined, xen: false, mtimeMs };
  }
  try {
    const table = await symbolTableFromBytes(data, file);
    const xen = looksLikeXen(file, table);
    return { status: { ...base, kind: kindOf(file, xen, elf), symbols: table.count }, table, xen, mtimeMs };
  } catch (e) {
    const message = e instanceof SymbolTableError ? e.message : `cannot load: ${(e as Error).message}`;
    return { status: { ...base, kind: kindOf(file, false, elf), error: message }, table: undefined, xen: false, mtimeMs };
  }
}

/** Symbol files near the top of the workspace folders (bounded: depth 3, 5000 entries each). */
export async function discoverSymbolFiles(folders: readonly string[]): Promise<string[]> {
  const options = { skipDirs: DISCOVERY_SKIP_DIRS, maxDepth: DISCOVERY_MAX_DEPTH, maxEntries: DISCOVERY_MAX_ENTRIES };
  const isSymbolFile = (name: string) => DISCOVERY_NAME.test(name) && !/\.(?:js|css|ts)\.map$/.test(name);
  const found: string[] = [];
  for (const folder of folders) found.push(...(await findFiles(folder, isSymbolFile, options)));
  return found.sort();
}

function chooseTables(sources: readonly LoadedSource[], frames: readonly Frame[], version: string | undefined): TableChoice {
  const usable = sources.filter((s) => s.table);
  const xenFrames: Frame[] = [];
  const kernelFrames: Frame[] = [];
  for (const f of frames) {
    const list = f.format === 'xen' ? xenFrames : kernelFrames;
    if (list.length < CHECK_SAMPLE) list.push(f);
  }
  // A side with no frames in this log uses no table (a domU log is not shown "using" Xen's map).
  const kernelSide = kernelFrames.length > 0 ? usable.filter((s) => !s.xen) : [];
  const xenSide = xenFrames.length > 0 ? usable.filter((s) => s.xen) : [];
  const kernel = best(kernelSide, kernelFrames, version);
  const xen = best(xenSide, xenFrames, version);
  const isElf = (s: LoadedSource) => s.status.kind === 'vmlinux' || s.status.kind === 'xen-syms';
  const kernelElf = best(kernelSide.filter(isElf), kernelFrames, version);
  const xenElf = best(xenSide.filter(isElf), xenFrames, version);
  const agrees = (b: typeof kernel) => (b && b.check.verdict !== 'mismatch' ? b.source : undefined);
  return {
    kernel: kernel?.source,
    kernelCheck: kernel?.check,
    xen: xen?.source,
    xenCheck: xen?.check,
    kernelElf: agrees(kernelElf),
    xenElf: agrees(xenElf),
  };
}

/**
 * The best table for these frames: one whose name carries the log's version, else the one the
 * frames agree with most. A table every frame contradicts is still returned (with its check) so
 * the user is told, rather than silently given no symbols.
 */
function best(sources: readonly LoadedSource[], frames: readonly Frame[], version: string | undefined) {
  if (sources.length === 0) return undefined;
  const scored = sources.map((source) => {
    const check = checkFramesAgainstTable(frames, source.table!);
    const versionMatch = version !== undefined && path.basename(source.status.path).includes(version);
    const score = (versionMatch ? 1_000_000 : 0) + (check.verdict === 'match' ? 10_000 : 0) + check.matched - (check.mismatched.length + check.missing.length);
    return { source, check, score };
  });
  scored.sort((a, b) => b.score - a.score);
  return scored[0];
}
