// Resolves parsed frames to source: picks the binary (vmlinux, the module's .ko, xen-syms), turns
// `sym+off` into an address in that binary (by its own symbols, choosing duplicates by size) or
// takes `[<addr>]` minus the KASLR slide, decodes the call site (return address − 1) except for
// the faulting PC, and batches all addresses per binary through the Symbolizer. Without DWARF a
// SourceIndex still gives the definition; with only a System.map, bare addresses get `sym+off/size`.
import * as path from 'node:path';
import type { Frame } from '../oops/frames';
import { findFiles } from './fileWalk';
import { loadElfSymbols } from './loaders';
import type { SourceIndex, Definition } from './sourceIndex';
import type { InlineChain, Symbolizer } from './symbolizer';
import type { SymbolTable } from './symbolTable';

export interface ResolverSources {
  /** System.map / kallsyms for the kernel (names for bare addresses). */
  map?: SymbolTable;
  /** Kernel ELF with DWARF. */
  vmlinux?: string;
  /** Directory searched (recursively) for `<module>.ko`. */
  modulesDir?: string;
  /** Xen ELF with DWARF. */
  xenSyms?: string;
  /** Xen's map, for `(XEN)` frames without xen-syms. */
  xenMap?: SymbolTable;
  sourceIndex?: SourceIndex;
  symbolizer?: Symbolizer;
  /** KASLR slide (from `Kernel Offset:`) to subtract from kernel `[<addr>]` values. */
  kernelOffset?: bigint;
  nmPath?: string;
}

export interface ResolvedFrame {
  /** Symbol for a frame that printed none (bare address), from a map or the binary. */
  symbol: string | undefined;
  offset: number | undefined;
  size: number | undefined;
  /** The binary and the address looked up in it (the call site for return addresses). */
  binary: string | undefined;
  lookupAddress: bigint | undefined;
  /** Inline chain, innermost first. */
  chain: InlineChain | undefined;
  /** Definitions from the source index when there is no DWARF answer. */
  definitions: Definition[] | undefined;
  /** Why nothing was found, when nothing was. */
  problem: string | undefined;
}

function empty(): ResolvedFrame {
  return { symbol: undefined, offset: undefined, size: undefined, binary: undefined, lookupAddress: undefined, chain: undefined, definitions: undefined, problem: undefined };
}

/** Long-lived: caches ELF symbol tables and module paths; call dispose() to stop processes. */
export class FrameResolver {
  private readonly elfTables = new Map<string, Promise<SymbolTable>>();
  private moduleFiles: Promise<Map<string, string>> | undefined;

  constructor(private readonly sources: ResolverSources) {}

  private elfTable(binary: string): Promise<SymbolTable> {
    let t = this.elfTables.get(binary);
    if (!t) {
      t = loadElfSymbols(binary, this.sources.nmPath);
      this.elfTables.set(binary, t);
    }
    return t;
  }

  private async moduleFile(name: string): Promise<string | undefined> {
    if (!this.sources.modulesDir) return undefined;
    if (!this.moduleFiles) {
      const root = this.sources.modulesDir;
      this.moduleFiles = findFiles(root, (name) => /\.ko(\.debug)?$/.test(name), { maxDepth: 8 }).then((files) => {
        // the kernel prints module names with '_' where file names may have '-'
        const found = new Map<string, string>();
        for (const f of files) found.set(path.basename(f).replace(/\.ko(\.debug)?$/, '').replace(/-/g, '_'), f);
        return found;
      });
    }
    return (await this.moduleFiles).get(name.replace(/-/g, '_'));
  }

  /** Resolves frames (in any number); one batch per binary. */
  async resolveFrames(frames: readonly Frame[]): Promise<ResolvedFrame[]> {
    const out = frames.map(() => empty());
    const batches = new Map<string, { index: number; address: bigint }[]>();
    for (let k = 0; k < frames.length; k++) {
      const f = frames[k];
      const r = out[k];
      r.symbol = f.symbol;
      r.offset = f.offset;
      r.size = f.size;
      const xen = f.format === 'xen' || f.context === 'xen';
      let binary: string | undefined;
      if (xen) binary = this.sources.xenSyms;
      else if (f.module !== undefined) {
        binary = await this.moduleFile(f.module);
        if (!binary && this.sources.modulesDir) r.problem = `${f.module}.ko not found under ${this.sources.modulesDir}`;
        else if (!binary) r.problem = `module ${f.module}: no modules directory given`;
      } else binary = this.sources.vmlinux;

      // Name bare addresses from a map even without DWARF
      if (f.symbol === undefined && f.address !== undefined) {
        const table = xen ? this.sources.xenMap : this.sources.map;
        const slide = xen ? 0n : this.sources.kernelOffset ?? 0n;
        const hit = table?.lookup(f.address - slide);
        if (hit) {
          r.symbol = hit.name;
          r.offset = hit.offset;
          r.size = hit.size;
        }
      }
      if (!binary) continue;
      let address: bigint | undefined;
      try {
        if (r.symbol !== undefined && r.offset !== undefined) {
          const table = await this.elfTable(binary);
          const hit = table.resolveName(r.symbol, r.offset, r.size);
          if (hit) address = hit.address;
          else r.problem = `${r.symbol} is not in ${binary}`;
        } else if (f.address !== undefined && f.module === undefined) {
          address = f.address - (xen ? 0n : this.sources.kernelOffset ?? 0n);
        }
      } catch (e) {
        r.problem = (e as Error).message;
      }
      if (address === undefined) continue;
      // A return address points after the call: decode the call instruction (like syzkaller and
      // decode_stacktrace.sh since 2026). The faulting PC (register frames) is exact.
      if (f.role !== 'register' && (r.offset ?? 1) > 0) address -= 1n;
      r.binary = binary;
      r.lookupAddress = address;
      let list = batches.get(binary);
      if (!list) {
        list = [];
        batches.set(binary, list);
      }
      list.push({ index: k, address });
    }
    const symbolizer = this.sources.symbolizer;
    if (symbolizer) {
      await Promise.all([...batches].map(async ([binary, list]) => {
        try {
          const chains = await symbolizer.resolve(binary, list.map((x) => x.address));
          chains.forEach((chain, j) => {
            const r = out[list[j].index];
            r.chain = chain.length > 0 && chain.some((c) => c.file !== undefined) ? chain : undefined;
            // a bare address gets the name of the function that contains it
            if (r.symbol === undefined && r.chain) r.symbol = r.chain[r.chain.length - 1].function;
          });
        } catch (e) {
          for (const x of list) out[x.index].problem = (e as Error).message;
        }
      }));
    }
    if (this.sources.sourceIndex) {
      for (let k = 0; k < out.length; k++) {
        const r = out[k];
        if (!r.chain && r.symbol !== undefined) {
          const defs = this.sources.sourceIndex.find(r.symbol);
          if (defs.length > 0) r.definitions = defs;
        }
      }
    }
    return out;
  }

  dispose(): void {
    this.sources.symbolizer?.dispose();
  }
}
