// Checks a log against a symbol table: a frame printed as `sym+off/size` is self-describing, so a
// table whose `sym` has another size (or no `sym` at all) belongs to another kernel. Frames that
// carry both an address and `sym+off` give the KASLR slide; module frames give module bases.
import type { Frame } from '../oops/frames';
import type { SymbolTable } from './symbolTable';

export interface FrameMismatch {
  frame: Frame;
  /** What the table says, e.g. `size 0x40 in the table, 0x30 in the log` or `not in the table`. */
  reason: string;
}

export interface ConsistencyReport {
  /** Frames with `sym+off/size` that could be checked. */
  checked: number;
  matched: number;
  mismatched: FrameMismatch[];
  missing: FrameMismatch[];
  /** `match` when most checked frames agree, `mismatch` when most disagree, `unknown` when too few. */
  verdict: 'match' | 'mismatch' | 'unknown';
  message: string;
}

const MIN_FRAMES_FOR_VERDICT = 3;

/**
 * Compares every `sym+off/size` frame with the table. Module frames are checked only when the
 * table has that module (a System.map has none); Xen frames only against a Xen table.
 */
export function checkFramesAgainstTable(frames: readonly Frame[], table: SymbolTable): ConsistencyReport {
  const modules = new Set(table.modulesPresent());
  let checked = 0;
  let matched = 0;
  const mismatched: FrameMismatch[] = [];
  const missing: FrameMismatch[] = [];
  const seen = new Set<string>();
  for (const f of frames) {
    if (f.symbol === undefined || f.size === undefined || f.offset === undefined) continue;
    if (f.module !== undefined && !modules.has(f.module)) continue;
    const key = `${f.symbol}/${f.size}/${f.module ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    checked++;
    let candidates = table.symbolsNamed(f.symbol);
    if (f.module !== undefined) candidates = candidates.filter((c) => c.module === f.module);
    if (candidates.length === 0) {
      missing.push({ frame: f, reason: `${f.symbol} is not in ${table.source}` });
      continue;
    }
    if (candidates.some((c) => c.size === f.size)) {
      matched++;
      continue;
    }
    const sizes = [...new Set(candidates.map((c) => (c.size === undefined ? '?' : '0x' + c.size.toString(16))))].join(', ');
    mismatched.push({ frame: f, reason: `${f.symbol}: size ${sizes} in ${table.source}, 0x${f.size.toString(16)} in the log` });
  }
  const bad = mismatched.length + missing.length;
  let verdict: ConsistencyReport['verdict'] = 'unknown';
  let message: string;
  if (checked < MIN_FRAMES_FOR_VERDICT) {
    message = `only ${checked} frame(s) with sym+off/size could be checked against ${table.source}`;
    if (bad > 0 && matched === 0 && checked > 0) verdict = 'mismatch';
  } else if (bad * 2 > checked) {
    verdict = 'mismatch';
    const example = (mismatched[0] ?? missing[0]).reason;
    message = `this symbol table is not this kernel's: ${bad} of ${checked} frames disagree with ${table.source} (e.g. ${example})`;
  } else {
    verdict = 'match';
    message = `${matched} of ${checked} frames agree with ${table.source}`;
  }
  return { checked, matched, mismatched, missing, verdict, message };
}

export interface SlideEstimate {
  /** runtime address − table address. */
  slide: bigint;
  /** Frames that agree on this slide, and how many were usable. */
  votes: number;
  frames: number;
}

/**
 * KASLR slide from frames that print both `[<addr>]` and `sym+off`: addr − (table(sym) + off).
 * The most common value wins; core-kernel frames only.
 */
export function estimateSlide(frames: readonly Frame[], table: SymbolTable): SlideEstimate | undefined {
  const votes = new Map<bigint, number>();
  let usable = 0;
  for (const f of frames) {
    if (f.address === undefined || f.symbol === undefined || f.offset === undefined || f.module !== undefined) continue;
    const r = table.resolveName(f.symbol, f.offset, f.size);
    if (!r || r.sizeMatches === false) continue;
    usable++;
    const slide = f.address - r.address;
    votes.set(slide, (votes.get(slide) ?? 0) + 1);
  }
  let best: SlideEstimate | undefined;
  for (const [slide, n] of votes) if (!best || n > best.votes) best = { slide, votes: n, frames: usable };
  return best;
}

/** `name size refcount deps state 0xADDR` lines of /proc/modules → module base addresses. */
export function parseProcModules(text: string): Map<string, { base: bigint; size: number }> {
  const out = new Map<string, { base: bigint; size: number }>();
  for (const line of text.split('\n')) {
    const m = /^(\S+) (\d+) \S+ \S+ \S+ 0x([0-9a-f]{1,16})/.exec(line);
    if (m) out.set(m[1], { base: BigInt('0x' + m[3]), size: +m[2] });
  }
  return out;
}

/**
 * Runtime addresses of module symbols seen in frames (`[<addr>] sym+off/size [mod]` gives
 * sym = addr − off). With the symbol's value in the .ko, base = runtime − value.
 */
export function moduleSymbolAnchors(frames: readonly Frame[]): Map<string, Map<string, bigint>> {
  const out = new Map<string, Map<string, bigint>>();
  for (const f of frames) {
    if (f.module === undefined || f.address === undefined || f.symbol === undefined || f.offset === undefined) continue;
    let m = out.get(f.module);
    if (!m) {
      m = new Map();
      out.set(f.module, m);
    }
    m.set(f.symbol, f.address - BigInt(f.offset));
  }
  return out;
}

/** The module whose [base, base+size) holds an address (from /proc/modules). */
export function moduleForAddress(address: bigint, modules: Map<string, { base: bigint; size: number }>): { name: string; offset: number } | undefined {
  for (const [name, m] of modules) {
    if (address >= m.base && address < m.base + BigInt(m.size)) return { name, offset: Number(address - m.base) };
  }
  return undefined;
}
