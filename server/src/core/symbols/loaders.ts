// Reads symbol tables: System.map, /proc/kallsyms (with `\t[module]`), nm output in BSD form
// (`ADDR TYPE NAME`, `ADDR SIZE TYPE NAME` with -S) and POSIX form (`NAME TYPE ADDR [SIZE]`, nm -P),
// Xen's `.map` (`0xADDR T sym`, `file.c#sym` locals); gzip input accepted. One pass, no regex per line.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { SymbolTable, type SymbolColumns } from './symbolTable';

/** A table that cannot be used, with the reason (and line, when it is about one line). */
export class SymbolTableError extends Error {}

const MAX_BAD_LINES = 20;

function isHexChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isHexToken(s: string, a: number, b: number): boolean {
  if (b - a > 18 || b <= a) return false;
  if (b - a > 2 && s.charCodeAt(a) === 48 && (s.charCodeAt(a + 1) === 120 || s.charCodeAt(a + 1) === 88)) a += 2;
  if (b - a > 16) return false;
  for (let i = a; i < b; i++) if (!isHexChar(s.charCodeAt(i))) return false;
  return true;
}

class ColumnBuilder {
  hi: Uint32Array = new Uint32Array(4096);
  lo: Uint32Array = new Uint32Array(4096);
  types: Uint8Array = new Uint8Array(4096);
  modules: Uint16Array = new Uint16Array(4096);
  names: string[] = [];
  moduleNames = [''];
  private moduleIndex = new Map<string, number>([['', 0]]);
  count = 0;
  nonZero = false;

  push(text: string, a: number, b: number, type: number, name: string, module: string): void {
    if (this.count === this.hi.length) this.grow();
    if (b - a > 2 && text.charCodeAt(a + 1) === 120) a += 2;
    const split = Math.max(a, b - 8);
    const hi = split > a ? parseInt(text.slice(a, split), 16) : 0;
    const lo = parseInt(text.slice(split, b), 16);
    const k = this.count++;
    this.hi[k] = hi >>> 0;
    this.lo[k] = lo >>> 0;
    if (hi !== 0 || lo !== 0) this.nonZero = true;
    this.types[k] = type;
    let m = 0;
    if (module) {
      m = this.moduleIndex.get(module) ?? -1;
      if (m < 0) {
        m = this.moduleNames.length;
        this.moduleNames.push(module);
        this.moduleIndex.set(module, m);
      }
    }
    this.modules[k] = m;
    this.names.push(name);
  }

  private grow(): void {
    const n = this.hi.length * 2;
    const g32 = (x: Uint32Array): Uint32Array => {
      const y = new Uint32Array(n);
      y.set(x);
      return y;
    };
    this.hi = g32(this.hi);
    this.lo = g32(this.lo);
    const t = new Uint8Array(n);
    t.set(this.types);
    this.types = t;
    const m = new Uint16Array(n);
    m.set(this.modules);
    this.modules = m;
  }

  columns(): SymbolColumns {
    return { hi: this.hi, lo: this.lo, types: this.types, modules: this.modules, names: this.names, moduleNames: this.moduleNames, count: this.count };
  }
}

/**
 * Parses symbol-table text. `source` names it in messages. Throws SymbolTableError for a table
 * that is empty, not a symbol table, or a kallsyms read without privilege (all addresses zero).
 */
export function parseSymbolText(text: string, source: string): SymbolTable {
  const b = new ColumnBuilder();
  let bad = 0;
  let firstBad = -1;
  let firstBadText = '';
  let lineNo = 0;
  let pos = 0;
  const tok: number[] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const len = text.length;
  while (pos < len) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = len;
    const lineStart = pos;
    let end = nl;
    if (end > pos && text.charCodeAt(end - 1) === 13) end--;
    pos = nl + 1;
    lineNo++;
    // tokens split on spaces and tabs; at most 5 kept
    let n = 0;
    let i = lineStart;
    while (i < end && n < 5) {
      while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
      if (i >= end) break;
      const s = i;
      while (i < end && text.charCodeAt(i) !== 32 && text.charCodeAt(i) !== 9) i++;
      tok[2 * n] = s;
      tok[2 * n + 1] = i;
      n++;
    }
    if (n === 0 || text.charCodeAt(tok[0]) === 35 /* # */) continue;
    const single = (k: number): boolean => tok[2 * k + 1] - tok[2 * k] === 1;
    const str = (k: number): string => text.slice(tok[2 * k], tok[2 * k + 1]);
    let module = '';
    const modTok = (k: number): void => {
      if (n > k && text.charCodeAt(tok[2 * k]) === 91 && text.charCodeAt(tok[2 * k + 1] - 1) === 93) {
        module = text.slice(tok[2 * k] + 1, tok[2 * k + 1] - 1);
      }
    };
    if (n >= 3 && single(1) && tok[1] - tok[0] >= 8 && isHexToken(text, tok[0], tok[1])) {
      // ADDR TYPE NAME [\t[module]]  (System.map, kallsyms, nm, Xen .map)
      modTok(3);
      b.push(text, tok[0], tok[1], text.charCodeAt(tok[2]), str(2), module);
    } else if (n >= 4 && single(2) && isHexToken(text, tok[0], tok[1]) && isHexToken(text, tok[2], tok[3])) {
      // nm -S: ADDR SIZE TYPE NAME
      modTok(4);
      b.push(text, tok[0], tok[1], text.charCodeAt(tok[4]), str(3), module);
    } else if (n >= 3 && single(1) && isHexToken(text, tok[4], tok[5])) {
      // nm -P: NAME TYPE VALUE [SIZE]
      b.push(text, tok[4], tok[5], text.charCodeAt(tok[2]), str(0), '');
    } else if (n === 2 && single(0)) {
      // `U name` (undefined, no address)
      continue;
    } else {
      bad++;
      if (firstBad < 0) {
        firstBad = lineNo;
        firstBadText = text.slice(lineStart, Math.min(end, lineStart + 80));
      }
      if (bad > MAX_BAD_LINES && bad * 10 > lineNo) {
        throw new SymbolTableError(
          `${source}: not a symbol table (System.map, kallsyms, nm or Xen .map): line ${firstBad}: ${JSON.stringify(firstBadText)}`,
        );
      }
    }
  }
  if (b.count === 0) {
    throw new SymbolTableError(
      firstBad > 0
        ? `${source}: no symbols found; line ${firstBad} is not of the form "ADDRESS TYPE NAME": ${JSON.stringify(firstBadText)}`
        : `${source}: empty symbol table`,
    );
  }
  if (!b.nonZero) {
    throw new SymbolTableError(
      `${source}: all ${b.count} addresses are 0 — this /proc/kallsyms was read without privilege ` +
        '(kptr_restrict / CAP_SYSLOG hide addresses from ordinary users). Read it as root, e.g. `sudo cat /proc/kallsyms > kallsyms.txt`.',
    );
  }
  const notes = bad > 0 ? [`${source}: ${bad} line(s) that are not "ADDRESS TYPE NAME" were skipped (first: line ${firstBad})`] : [];
  return new SymbolTable(source, b.columns(), notes);
}

const ELF_MAGIC = 0x7f454c46;

/** Reads a symbol-table file (gzip accepted). An ELF file is read through `nm`. */
export async function loadSymbolFile(path: string, options: { nmPath?: string } = {}): Promise<SymbolTable> {
  let data: Buffer;
  try {
    data = await fs.readFile(path);
  } catch (e) {
    throw new SymbolTableError(`${path}: cannot read: ${(e as Error).message}`);
  }
  return symbolTableFromBytes(data, path, options);
}

/** Same as loadSymbolFile for bytes already in memory. */
export async function symbolTableFromBytes(data: Buffer, source: string, options: { nmPath?: string } = {}): Promise<SymbolTable> {
  if (data.length >= 2 && data[0] === 0x1f && data[1] === 0x8b) {
    try {
      data = gunzipSync(data);
    } catch (e) {
      throw new SymbolTableError(`${source}: broken gzip data: ${(e as Error).message}`);
    }
  }
  if (data.length >= 4 && data.readUInt32BE(0) === ELF_MAGIC) return loadElfSymbols(source, options.nmPath);
  const probe = data.subarray(0, 4096);
  const nul = probe.indexOf(0);
  if (nul >= 0) throw new SymbolTableError(`${source}: binary data (a NUL byte at offset ${nul}), not a symbol table`);
  return parseSymbolText(data.toString('latin1'), source);
}

/** Symbols of an ELF (vmlinux, .ko, xen-syms) through `nm -n --defined-only`. */
export function loadElfSymbols(path: string, nmPath = 'nm'): Promise<SymbolTable> {
  return new Promise((resolve, reject) => {
    execFile(nmPath, ['-n', '--defined-only', path], { maxBuffer: 1 << 30, encoding: 'latin1' }, (err, stdout, stderr) => {
      if (err) {
        reject(new SymbolTableError(`${path}: ${nmPath} failed: ${(stderr || err.message).trim()}`));
        return;
      }
      try {
        resolve(parseSymbolText(stdout, path));
      } catch (e) {
        reject(e);
      }
    });
  });
}
