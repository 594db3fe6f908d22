// A compact, sorted symbol index: addresses as two Uint32Array halves, one type byte and one module
// index per symbol, names in one array. Lookups follow the kernel's get_symbol_pos(): the greatest
// address ≤ x, the first of its aliases, size = distance to the next greater address.

/** nm type letters of code: t/T text, w/W weak (functions in practice), i indirect. */
function isCodeType(t: number): boolean {
  return t === 116 || t === 84 || t === 119 || t === 87 || t === 105;
}

/** One symbol, as the API hands it out. */
export interface SymbolInfo {
  name: string;
  address: bigint;
  /** Distance to the next greater address; undefined for the last symbol. */
  size: number | undefined;
  /** nm type letter. */
  type: string;
  /** kallsyms `[module]`, or undefined for the core kernel. */
  module: string | undefined;
}

/** An address resolved to `name+offset/size`. */
export interface SymbolHit extends SymbolInfo {
  offset: number;
  /** Other names at the same address (the kernel prints the first). */
  aliases: string[];
}

/** Raw columns, in file order, from a loader. */
export interface SymbolColumns {
  hi: Uint32Array;
  lo: Uint32Array;
  types: Uint8Array;
  modules: Uint16Array;
  names: string[];
  /** Module names; index 0 is the core kernel (''). */
  moduleNames: string[];
  count: number;
}

/** One-character strings for the nm type bytes, made once. */
const TYPE_LETTERS: readonly string[] = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));

function bigOf(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

export class SymbolTable {
  readonly count: number;
  private readonly hi: Uint32Array;
  private readonly lo: Uint32Array;
  private readonly types: Uint8Array;
  private readonly modules: Uint16Array;
  private readonly names: string[];
  private readonly moduleNames: string[];
  /** Index of the next symbol with a greater address, or count. */
  private readonly nextGreater: Uint32Array;
  private byName: Map<string, number | number[]> | undefined;

  /** Sorts (stably, so aliases keep file order) unless the columns are already sorted. */
  /** `notes`: what the loader skipped, e.g. `3 lines skipped (first: line 12)`. */
  constructor(readonly source: string, cols: SymbolColumns, readonly notes: readonly string[] = []) {
    const n = cols.count;
    this.count = n;
    let sorted = true;
    for (let i = 1; i < n && sorted; i++) {
      if (cols.hi[i] < cols.hi[i - 1] || (cols.hi[i] === cols.hi[i - 1] && cols.lo[i] < cols.lo[i - 1])) sorted = false;
    }
    if (sorted) {
      this.hi = cols.hi.slice(0, n);
      this.lo = cols.lo.slice(0, n);
      this.types = cols.types.slice(0, n);
      this.modules = cols.modules.slice(0, n);
      this.names = cols.names.length === n ? cols.names : cols.names.slice(0, n);
    } else {
      const order = new Uint32Array(n);
      for (let i = 0; i < n; i++) order[i] = i;
      const { hi, lo } = cols;
      const idx = Array.from(order).sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b] || a - b);
      this.hi = new Uint32Array(n);
      this.lo = new Uint32Array(n);
      this.types = new Uint8Array(n);
      this.modules = new Uint16Array(n);
      this.names = new Array<string>(n);
      for (let k = 0; k < n; k++) {
        const i = idx[k];
        this.hi[k] = hi[i];
        this.lo[k] = lo[i];
        this.types[k] = cols.types[i];
        this.modules[k] = cols.modules[i];
        this.names[k] = cols.names[i];
      }
    }
    this.moduleNames = cols.moduleNames;
    this.nextGreater = new Uint32Array(n);
    let next = n;
    for (let i = n - 1; i >= 0; i--) {
      this.nextGreater[i] = next;
      if (i > 0 && (this.hi[i - 1] !== this.hi[i] || this.lo[i - 1] !== this.lo[i])) next = i;
    }
  }

  /** Address of symbol index i. */
  addressAt(i: number): bigint {
    return bigOf(this.hi[i], this.lo[i]);
  }

  /** The symbol at sorted index i. */
  at(i: number): SymbolInfo {
    const g = this.nextGreater[i];
    return {
      name: this.names[i],
      address: this.addressAt(i),
      size: g < this.count ? this.distance(i, g) : undefined,
      type: TYPE_LETTERS[this.types[i]],
      module: this.modules[i] === 0 ? undefined : this.moduleNames[this.modules[i]],
    };
  }

  private distance(a: number, b: number): number {
    return (this.hi[b] - this.hi[a]) * 0x100000000 + (this.lo[b] - this.lo[a]);
  }

  /** Last index whose address ≤ (hi, lo), or -1. */
  private floor(hi: number, lo: number): number {
    let a = 0;
    let b = this.count;
    while (a < b) {
      const m = (a + b) >>> 1;
      const h = this.hi[m];
      if (h < hi || (h === hi && this.lo[m] <= lo)) a = m + 1;
      else b = m;
    }
    return a - 1;
  }

  /**
   * `sym+off/size` for an address, like the kernel prints it. By default only code symbols
   * answer (a data symbol or an absolute value below the text is not a function).
   */
  lookup(address: bigint, options: { code?: boolean } = {}): SymbolHit | undefined {
    if (address < 0n || address > 0xffffffffffffffffn) return undefined;
    const hi = Number(address >> 32n);
    const lo = Number(BigInt.asUintN(32, address));
    let i = this.floor(hi, lo);
    if (i < 0) return undefined;
    // first alias at this address (the kernel prints the first one)
    while (i > 0 && this.hi[i - 1] === this.hi[i] && this.lo[i - 1] === this.lo[i]) i--;
    const g = this.nextGreater[i];
    let pick = i;
    if (options.code !== false) {
      pick = -1;
      for (let k = i; k < g; k++) {
        if (isCodeType(this.types[k])) {
          pick = k;
          break;
        }
      }
      if (pick < 0) return undefined;
    }
    const aliases: string[] = [];
    for (let k = i; k < g; k++) if (k !== pick) aliases.push(this.names[k]);
    const offset = (hi - this.hi[i]) * 0x100000000 + (lo - this.lo[i]);
    const m = this.modules[pick];
    return {
      name: this.names[pick],
      address: address - BigInt(offset),
      size: g < this.count ? this.distance(i, g) : undefined,
      type: TYPE_LETTERS[this.types[pick]],
      module: m === 0 ? undefined : this.moduleNames[m],
      offset,
      aliases,
    };
  }

  private nameIndex(): Map<string, number | number[]> {
    if (this.byName) return this.byName;
    const map = new Map<string, number | number[]>();
    const add = (key: string, i: number): void => {
      const cur = map.get(key);
      if (cur === undefined) map.set(key, i);
      else if (typeof cur === 'number') map.set(key, [cur, i]);
      else cur.push(i);
    };
    for (let i = 0; i < this.count; i++) {
      const name = this.names[i];
      add(name, i);
      // Xen static symbols `file.c#name` are also found by their bare name
      const hash = name.indexOf('#');
      if (hash > 0) add(name.slice(hash + 1), i);
    }
    this.byName = map;
    return map;
  }

  /** Every symbol with this name (Xen: also `file.c#name` for `name`). */
  symbolsNamed(name: string): SymbolInfo[] {
    const hit = this.nameIndex().get(name);
    if (hit === undefined) return [];
    return (typeof hit === 'number' ? [hit] : hit).map((i) => this.at(i));
  }

  /** Addresses of a name. */
  addressesOf(name: string): bigint[] {
    return this.symbolsNamed(name).map((s) => s.address);
  }

  /**
   * The runtime address of `name+offset`, choosing among same-named symbols by the printed size
   * (what faddr2line does). `module` restricts to that module's symbols when the table has modules.
   */
  resolveName(name: string, offset: number, size?: number, module?: string): { symbol: SymbolInfo; address: bigint; sizeMatches: boolean | undefined } | undefined {
    let candidates = this.symbolsNamed(name);
    if (module !== undefined && candidates.some((c) => c.module !== undefined)) {
      candidates = candidates.filter((c) => c.module === module);
    }
    if (candidates.length === 0) return undefined;
    const code = candidates.filter((c) => isCodeType(c.type.charCodeAt(0)));
    if (code.length > 0) candidates = code;
    const bySize = size === undefined ? undefined : candidates.find((c) => c.size === size);
    const symbol = bySize ?? candidates[0];
    return { symbol, address: symbol.address + BigInt(offset), sizeMatches: size === undefined ? undefined : bySize !== undefined };
  }

  /** Names of the modules in the table (kallsyms `[module]` column). */
  modulesPresent(): string[] {
    return this.moduleNames.slice(1);
  }

  /** Whether any symbol is a code symbol (a table of only data cannot resolve frames). */
  hasCode(): boolean {
    for (let i = 0; i < this.count; i++) if (isCodeType(this.types[i])) return true;
    return false;
  }
}
