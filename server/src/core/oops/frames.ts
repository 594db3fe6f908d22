// Stack-frame tokens of every format in the reference (oops-formats.md §1.2): x86 `[<addr>] sym+off/size
// [mod]`, 2.6.17 `<addr>{sym+dec}`, bare `[<addr>]`, address-less `sym+off/size`, `? ` unreliable,
// `[mod buildid]`, RHEL5 `:mod:sym`, klogd `[mod:sym+dec/dec]`, ARM32 `[<pc>] (sym) from [<lr>] (…)`,
// ppc64 `[sp] [pc] sym`, s390 `([<addr>] sym)`, Xen `[<addr>] R|S|F sym` / `???` / `(PC)`, syzbot
// `file:line [inline]`, and register lines whose value is a code address (RIP, PC, LR, NIP, epc, …).
// The parser walks characters with bounded lookahead, so it is linear in the line length.

/** Where a frame was printed. */
export type FrameRole = 'trace' | 'register' | 'aux';

export type FrameFormat =
  | 'x86' // [<addr>] sym+off/size, or address-less sym+off/size
  | 'x86-2.6.17' // <addr>{sym+dec}
  | 'bare' // [<addr>] alone
  | 'klogd' // [mod:sym+dec/dec]
  | 'arm' // [<addr>] (sym) from … / (sym+off/size)
  | 'ppc' // [sp] [pc] sym+off/size
  | 'xen' // (XEN) frames
  | 'inline' // syzbot `sym file:line [inline]`
  | 'register';

/** Which token of a frame a column falls in. */
export type FrameToken = 'address' | 'symbol' | 'offset' | 'module' | 'frame';

const FORMATS: readonly FrameFormat[] = ['x86', 'x86-2.6.17', 'bare', 'klogd', 'arm', 'ppc', 'xen', 'inline', 'register'];
const ROLES: readonly FrameRole[] = ['trace', 'register', 'aux'];
const FORMAT_INDEX = Object.fromEntries(FORMATS.map((f, i) => [f, i])) as Record<FrameFormat, number>;
const ROLE_INDEX = Object.fromEntries(ROLES.map((r, i) => [r, i])) as Record<FrameRole, number>;

/** Columns beyond this are not kept (a span packs two columns into one small integer). */
export const MAX_FRAME_COLUMN = 0xfffe;

/** A [start, end) column pair in one small integer; -1 for none (both -1). */
export function packSpan(start: number, end: number): number {
  if (start < 0 && end < 0) return -1;
  return (Math.min(start, MAX_FRAME_COLUMN) + 1) * 0x10000 + (Math.min(end, MAX_FRAME_COLUMN) + 1);
}
export const spanStart = (span: number): number => (span < 0 ? -1 : ((span / 0x10000) | 0) - 1);
export const spanEnd = (span: number): number => (span < 0 ? -1 : (span & 0xffff) - 1);
/** A 64-bit value kept as two 32-bit halves (small integers, no BigInt until asked). */
export const valueOfHalves = (hi: number, lo: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
/** `span` with its end replaced (the common update: a parser extends a frame as it reads on). */
const withEnd = (span: number, end: number): number => (span < 0 ? packSpan(-1, end) : span - (span & 0xffff) + Math.min(end, MAX_FRAME_COLUMN) + 1);

/**
 * One stack frame as printed. Columns (`…Start`/`…End`) are positions in the original line, so a
 * hover at a column finds its token.
 *
 * A 100 MB log has ~700k frames, so the layout is compact: column pairs share one small integer,
 * format, role and reliability share another, the address is two 32-bit halves (parsed from the
 * hex digits without making a string or a BigInt: BigInt parsing dominated parse time), and fields
 * most frames never set live on the prototype. 12 fields instead of 21 and no string per frame:
 * 192 + 32 bytes became 120.
 */
export class Frame {
  private frameSpan: number;
  private addrSpan = -1;
  symbol: string | undefined = undefined;
  private symSpan = -1;
  /** Offset into the symbol (negative for `sym-0x10`), when printed. */
  offset: number | undefined = undefined;
  size: number | undefined = undefined;
  /** Columns of `+off/size` (the offset and size tokens together). */
  private offSpan = -1;
  /** Stack context: `task`, `IRQ`, `NMI`, `#DF`, `SOFTIRQ`, `regs`, `xen`, … (set by the report parser). */
  context = 'task';
  /** format index | role index << 4 | unreliable << 6 | has address << 7 */
  private bits: number;
  private addrHi = 0;
  private addrLo = 0;
  declare module: string | undefined;
  declare buildId: string | undefined;
  private declare modSpan: number;
  /** Register name for register frames (`RIP`, `pc`, `LR`, …). */
  declare register: string | undefined;
  /** Xen's R/S/F marker. */
  declare xenMarker: string | undefined;
  /** syzbot's appended `file:line`. */
  declare sourceFile: string | undefined;
  declare sourceLine: number | undefined;
  /** syzbot's `[inline]` line: no address, no offset. */
  declare inlined: boolean;
  /** An address wider than 64 bits (not from a real log, but kept exactly). */
  private declare wideAddress: bigint | undefined;

  /** `line`: 0-based line in the log (-1 for a lone line). */
  constructor(public line: number, start: number, format: FrameFormat, role: FrameRole) {
    this.frameSpan = packSpan(start, start);
    this.bits = FORMAT_INDEX[format] | (ROLE_INDEX[role] << 4);
  }

  /** Columns of the whole frame text in the original line. */
  get start(): number { return spanStart(this.frameSpan); }
  set start(v: number) { this.frameSpan = packSpan(v, this.end); }
  get end(): number { return spanEnd(this.frameSpan); }
  set end(v: number) { this.frameSpan = withEnd(this.frameSpan, v); }
  get addrStart(): number { return spanStart(this.addrSpan); }
  set addrStart(v: number) { this.addrSpan = packSpan(v, this.addrEnd); }
  get addrEnd(): number { return spanEnd(this.addrSpan); }
  set addrEnd(v: number) { this.addrSpan = withEnd(this.addrSpan, v); }
  get symStart(): number { return spanStart(this.symSpan); }
  set symStart(v: number) { this.symSpan = packSpan(v, this.symEnd); }
  get symEnd(): number { return spanEnd(this.symSpan); }
  set symEnd(v: number) { this.symSpan = withEnd(this.symSpan, v); }
  get offStart(): number { return spanStart(this.offSpan); }
  set offStart(v: number) { this.offSpan = packSpan(v, this.offEnd); }
  get offEnd(): number { return spanEnd(this.offSpan); }
  set offEnd(v: number) { this.offSpan = withEnd(this.offSpan, v); }
  get modStart(): number { return spanStart(this.modSpan); }
  set modStart(v: number) { this.modSpan = packSpan(v, this.modEnd); }
  get modEnd(): number { return spanEnd(this.modSpan); }
  set modEnd(v: number) { this.modSpan = withEnd(this.modSpan, v); }

  get format(): FrameFormat { return FORMATS[this.bits & 15]; }
  set format(v: FrameFormat) { this.bits = (this.bits & ~15) | FORMAT_INDEX[v]; }
  get role(): FrameRole { return ROLES[(this.bits >> 4) & 3]; }
  set role(v: FrameRole) { this.bits = (this.bits & ~(3 << 4)) | (ROLE_INDEX[v] << 4); }
  /** false for `? ` frames, ppc `(unreliable)`, s390 parenthesised and Xen `S` (stack-scanned) frames. */
  get reliable(): boolean { return (this.bits & (1 << 6)) === 0; }
  set reliable(v: boolean) { this.bits = v ? this.bits & ~(1 << 6) : this.bits | (1 << 6); }

  get address(): bigint | undefined {
    if ((this.bits & (1 << 7)) === 0) return undefined;
    if (this.wideAddress !== undefined) return this.wideAddress;
    return valueOfHalves(this.addrHi, this.addrLo);
  }
  set address(v: bigint | undefined) {
    if (v === undefined) {
      this.bits &= ~(1 << 7);
      return;
    }
    if (v < 0n || v > 0xffffffffffffffffn) {
      this.bits |= 1 << 7;
      this.wideAddress = v;
      return;
    }
    this.setHalves(Number(v >> 32n) | 0, Number(v & 0xffffffffn) | 0);
  }
  /** Sets the address from the hex digits at [start, end) of `line`. */
  setAddressText(line: string, start: number, end: number): void {
    this.addrSpan = packSpan(start, end);
    if (end - start > 16) {
      this.address = BigInt('0x' + line.slice(start, end));
      return;
    }
    let hi = 0;
    let lo = 0;
    for (let i = start; i < end; i++) {
      const c = line.charCodeAt(i);
      const d = c <= 57 ? c - 48 : (c | 32) - 87;
      hi = ((hi << 4) | (lo >>> 28)) | 0;
      lo = ((lo << 4) | d) | 0;
    }
    this.setHalves(hi, lo);
  }
  private setHalves(hi: number, lo: number): void {
    this.addrHi = hi;
    this.addrLo = lo;
    this.bits |= 1 << 7;
    if (this.wideAddress !== undefined) this.wideAddress = undefined;
  }
}

// Fields most frames never set live on the prototype, so a frame carries only what it uses.
Object.assign(Frame.prototype, {
  module: undefined,
  buildId: undefined,
  modSpan: -1,
  register: undefined,
  xenMarker: undefined,
  sourceFile: undefined,
  sourceLine: undefined,
  inlined: false,
  wideAddress: undefined,
});

function emptyFrame(line: number, start: number, format: FrameFormat, role: FrameRole): Frame {
  return new Frame(line, start, format, role);
}

/** The token of `frame` under `column`, if any. */
export function tokenAt(frame: Frame, column: number): FrameToken | undefined {
  if (column >= frame.addrStart && column < frame.addrEnd) return 'address';
  if (column >= frame.symStart && column < frame.symEnd) return 'symbol';
  if (column >= frame.offStart && column < frame.offEnd) return 'offset';
  if (column >= frame.modStart && column < frame.modEnd) return 'module';
  if (column >= frame.start && column < frame.end) return 'frame';
  return undefined;
}

/** Hex text of a frame's address, `0x`-less and unpadded, e.g. `ffffffff81088847`. */
export function hex(n: bigint | number | undefined): string | null {
  if (n === undefined) return null;
  return n < 0 ? '-0x' + (-n).toString(16) : '0x' + n.toString(16);
}

const MAX_SYMBOL = 1024;

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
/** Characters that end a symbol name. `-`, `.`, `#`, `/`, `$` and `:` are part of names. */
function endsSymbol(c: number): boolean {
  return c <= 32 || c === 43 /* + */ || c === 40 || c === 41 || c === 91 || c === 93 || c === 123 || c === 125
    || c === 60 || c === 62 || c === 44 /* , */ || c === 59 /* ; */ || c === 39 || c === 34;
}
function skipSpaces(line: string, pos: number, end: number): number {
  while (pos < end) {
    const c = line.charCodeAt(pos);
    if (c !== 32 && c !== 9) break;
    pos++;
  }
  return pos;
}
/** End of a run of hex digits starting at pos (at most `max`). */
function hexRun(line: string, pos: number, end: number, max = 16): number {
  let i = pos;
  while (i < end && i - pos < max && isHexDigit(line.charCodeAt(i))) i++;
  return i;
}
/** Parses `0xHEX` or a decimal number at pos; returns [value, end] or undefined. */
/** Where parseNumber puts its result (one per call site, so nothing is allocated per number). */
interface NumberOut {
  value: number;
  end: number;
}

/** Parses `0xHEX` or a decimal number at pos into `out`; false when there is none. */
function parseNumber(line: string, pos: number, end: number, out: NumberOut): boolean {
  let v = 0;
  let i = pos;
  if (line.charCodeAt(pos) === 48 && line.charCodeAt(pos + 1) === 120 /* x */) {
    i = pos + 2;
    const limit = Math.min(end, i + 13);
    for (; i < limit; i++) {
      const c = line.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      v = v * 16 + d;
    }
    if (i === pos + 2) return false;
  } else {
    const limit = Math.min(end, pos + 15);
    for (; i < limit; i++) {
      const c = line.charCodeAt(i);
      if (c < 48 || c > 57) break;
      v = v * 10 + (c - 48);
    }
    if (i === pos) return false;
  }
  out.value = v;
  out.end = i;
  return true;
}

/** A `sym+off/size` reference and where its parts are. */
export interface SymbolRef {
  symbol: string;
  symStart: number;
  symEnd: number;
  offset: number | undefined;
  size: number | undefined;
  offStart: number;
  offEnd: number;
  /** Offset and size were written with `0x`. */
  hexOffset: boolean;
  module: string | undefined;
  end: number;
}

/**
 * Parses `sym`, `sym+off`, `sym+off/size`, `sym-0xoff/size`, `:mod:sym+off/size` (RHEL5) or
 * `mod:sym+dec/dec` (klogd) at `pos`. Offsets without `0x` are decimal (2.6.17, klogd, Xen's `+0/`).
 */
export function parseSymbolRef(line: string, pos: number, end: number, klogd = false): SymbolRef | undefined {
  let i = pos;
  const limit = Math.min(end, pos + MAX_SYMBOL);
  while (i < limit && !endsSymbol(line.charCodeAt(i))) i++;
  if (i === pos) return undefined;
  let symStart = pos;
  let symEnd = i;
  let module: string | undefined;
  let offset: number | undefined;
  let size: number | undefined;
  let offStart = -1;
  let offEnd = -1;
  let hexOffset = false;
  const num: NumberOut = { value: 0, end: 0 };
  if (line.charCodeAt(i) === 43 /* + */) {
    if (parseNumber(line, i + 1, end, num)) {
      offStart = i;
      hexOffset = line.charCodeAt(i + 2) === 120;
      offset = num.value;
      i = num.end;
      offEnd = i;
      if (line.charCodeAt(i) === 47 /* / */ && parseNumber(line, i + 1, end, num)) {
        size = num.value;
        i = num.end;
        offEnd = i;
      }
    }
  } else {
    // `sym-0x10/0x20`: an address in the padding before a function.
    const minus = line.lastIndexOf('-0x', symEnd);
    if (minus > symStart && parseNumber(line, minus + 1, symEnd, num)) {
      const off = num.value;
      const slash = num.end;
      if (line.charCodeAt(slash) === 47 && parseNumber(line, slash + 1, symEnd, num) && num.end === symEnd) {
        offStart = minus;
        offEnd = symEnd;
        offset = -off;
        size = num.value;
        hexOffset = true;
        symEnd = minus;
      }
    }
  }
  // `:mod:sym` (RHEL5 x86_64) and klogd's `mod:sym`; Xen paths never contain ':'.
  if (line.charCodeAt(symStart) === 58 /* : */) {
    const second = line.indexOf(':', symStart + 1);
    if (second > symStart + 1 && second < symEnd - 1) {
      module = line.slice(symStart + 1, second);
      symStart = second + 1;
    }
  } else if (klogd) {
    const colon = line.indexOf(':', symStart);
    if (colon > symStart && colon < symEnd - 1) {
      module = line.slice(symStart, colon);
      symStart = colon + 1;
    }
  }
  return {
    symbol: line.slice(symStart, symEnd), symStart, symEnd, offset, size, offStart, offEnd, hexOffset, module, end: i,
  };
}

/** Parses ` [mod]` or ` [mod buildid]` at pos (after spaces); returns the end or -1. */
function parseModule(line: string, pos: number, end: number, frame: Frame): number {
  const p = skipSpaces(line, pos, end);
  if (line.charCodeAt(p) !== 91 || line.charCodeAt(p + 1) === 60 /* [< */) return -1;
  let i = p + 1;
  const limit = Math.min(end, p + 200);
  while (i < limit) {
    const c = line.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45)) break;
    i++;
  }
  if (i === p + 1) return -1;
  const name = line.slice(p + 1, i);
  if (name === 'inline' || name === 'last') return -1;
  let buildId: string | undefined;
  if (line.charCodeAt(i) === 32) {
    const b = hexRun(line, i + 1, end, 64);
    if (b - (i + 1) >= 20) {
      buildId = line.slice(i + 1, b);
      i = b;
    }
  }
  if (line.charCodeAt(i) !== 93) return -1;
  frame.module = name;
  frame.buildId = buildId;
  frame.modStart = p + 1;
  frame.modEnd = p + 1 + name.length;
  return i + 1;
}

function applyRef(frame: Frame, ref: SymbolRef): void {
  frame.symbol = ref.symbol;
  frame.symStart = ref.symStart;
  frame.symEnd = ref.symEnd;
  frame.offset = ref.offset;
  frame.size = ref.size;
  frame.offStart = ref.offStart;
  frame.offEnd = ref.offEnd;
  if (ref.module !== undefined) {
    frame.module = ref.module;
    const m = ref.symStart - ref.module.length - 1;
    frame.modStart = m;
    frame.modEnd = m + ref.module.length;
  }
}

/** Parses what may follow a symbol: module, `()`, `(PC)`/`(LR)`/`(unreliable)`/`(36)`, `file:line [inline]`. */
function parseTail(line: string, pos: number, end: number, frame: Frame): number {
  let i = pos;
  const m = parseModule(line, i, end, frame);
  if (m >= 0) i = m;
  if (line.charCodeAt(i) === 40 && line.charCodeAt(i + 1) === 41) i += 2; // 3.x WARN `sym+off/size [mod]()`
  let p = skipSpaces(line, i, end);
  if (line.charCodeAt(p) === 40 /* ( */) {
    const close = line.indexOf(')', p);
    if (close > p && close - p <= 14) {
      const word = line.slice(p + 1, close);
      if (word === 'unreliable') frame.reliable = false;
      if (word === 'PC' || word === 'LR') frame.register = word;
      if (word === 'PC' || word === 'LR' || word === 'unreliable' || /^\d+$/.test(word)) {
        i = close + 1;
        p = skipSpaces(line, i, end);
      }
    }
  }
  // syzbot: ` kernel/sched/core.c:6490` and optionally ` [inline]`
  {
    const colon = line.indexOf(':', p);
    if (colon > p && colon < end) {
      let s = p;
      while (s < colon && line.charCodeAt(s) > 32) s++;
      if (s === colon && isDigit(line.charCodeAt(colon + 1))) {
        let e = colon + 1;
        while (e < end && isDigit(line.charCodeAt(e))) e++;
        const after = line.charCodeAt(e);
        if (e >= end || after === 32 || after === 13) {
          frame.sourceFile = line.slice(p, colon);
          frame.sourceLine = parseInt(line.slice(colon + 1, e), 10);
          i = e;
          const q = skipSpaces(line, i, end);
          if (line.startsWith('[inline]', q)) {
            frame.inlined = true;
            i = q + 8;
          }
        }
      }
    }
  }
  return i;
}

/** True when only spaces remain. */
function atEnd(line: string, pos: number, end: number): boolean {
  return skipSpaces(line, pos, end) >= end;
}

/** Parses one frame that starts with an address token (`[<…>]`, `<…>{`, ppc `[sp] [pc]`) at pos. */
function parseAddressFrame(line: string, pos: number, end: number, lineNo: number, xen: boolean): Frame | undefined {
  const c0 = line.charCodeAt(pos);
  // 2.6.17 x86_64: <ffffffff802b2fb5>{softlockup_tick+219}
  if (c0 === 60 /* < */) {
    const h = hexRun(line, pos + 1, end);
    if (h - pos - 1 < 8 || line.charCodeAt(h) !== 62 || line.charCodeAt(h + 1) !== 123) return undefined;
    const close = line.indexOf('}', h + 2);
    if (close < 0 || close - h > MAX_SYMBOL) return undefined;
    const f = emptyFrame(lineNo, pos, 'x86-2.6.17', 'trace');
    f.setAddressText(line, pos + 1, h);
    const ref = parseSymbolRef(line, h + 2, close);
    if (ref) applyRef(f, ref);
    f.end = close + 1;
    return f;
  }
  if (c0 !== 91 /* [ */) return undefined;
  const isAngle = line.charCodeAt(pos + 1) === 60;
  const hs = pos + (isAngle ? 2 : 1);
  const h = hexRun(line, hs, end);
  const closeLen = isAngle ? 2 : 1;
  const closes = isAngle ? line.charCodeAt(h) === 62 && line.charCodeAt(h + 1) === 93 : line.charCodeAt(h) === 93;
  if (!closes || h - hs < (isAngle ? 1 : 8)) {
    // `[<     inlined    >]` / `[<...>]`: placeholders without an address
    return undefined;
  }
  const f = emptyFrame(lineNo, pos, xen ? 'xen' : isAngle ? 'bare' : 'ppc', 'trace');
  f.setAddressText(line, hs, h);
  let i = h + closeLen;
  if (!isAngle) {
    // ppc64: [stack pointer] [pc] sym+off/size — the first bracket is the stack pointer.
    const p = skipSpaces(line, i, end);
    if (line.charCodeAt(p) !== 91) return undefined;
    const h2 = hexRun(line, p + 1, end);
    if (h2 - p - 1 < 8 || line.charCodeAt(h2) !== 93) return undefined;
    f.setAddressText(line, p + 1, h2);
    i = h2 + 1;
  }
  let p = skipSpaces(line, i, end);
  f.end = i;
  if (p >= end) return f;
  if (line.charCodeAt(p) === 63 /* ? */ && line.charCodeAt(p + 1) === 32) {
    f.reliable = false;
    p = skipSpaces(line, p + 2, end);
  }
  // Xen ≥ 4.13 marker: R (from registers), S (stack scan), F (frame pointer chain)
  const m = line.charCodeAt(p);
  if ((m === 82 || m === 83 || m === 70) && line.charCodeAt(p + 1) === 32) {
    f.xenMarker = line[p];
    if (m === 83) f.reliable = false;
    f.format = 'xen';
    p = skipSpaces(line, p + 2, end);
  }
  if (line.startsWith('???', p)) {
    f.end = p + 3;
    return f;
  }
  const open = line.charCodeAt(p);
  if (open === 91 /* [ */) return f; // next frame on the same line
  if (open === 40 /* ( */) {
    // ARM `(sym)` / `(sym+off/size)`, s390 `([<addr>] sym)` handled by the caller
    const ref = parseSymbolRef(line, p + 1, end);
    if (!ref) return f;
    const close = skipSpaces(line, ref.end, end);
    applyRef(f, ref);
    let e = parseModule(line, close, end, f);
    e = e >= 0 ? skipSpaces(line, e, end) : close;
    if (line.charCodeAt(e) !== 41) {
      f.symbol = undefined;
      f.symStart = f.symEnd = f.offStart = f.offEnd = -1;
      f.offset = f.size = undefined;
      return f;
    }
    f.format = 'arm';
    f.end = e + 1;
    return f;
  }
  const ref = parseSymbolRef(line, p, end);
  if (!ref) return f;
  // Xen ARM prints an unresolved frame as its bare hex value: `[<00000000>] 00000000 (LR)`; Linux as `0x27f8000`.
  if (ref.offset === undefined && /^(?:[0-9a-f]{8,16}|0x[0-9a-f]{1,16})$/.test(ref.symbol)) {
    f.end = ref.end;
    f.end = parseTail(line, ref.end, end, f);
    return f;
  }
  // `pc : [<addr>]    lr : [<addr>]`: the word after the address is the next register's name
  if (ref.offset === undefined && (ref.symbol.endsWith(':') || line.charCodeAt(skipSpaces(line, ref.end, end)) === 58)) return f;
  if (f.format === 'bare') f.format = 'x86';
  applyRef(f, ref);
  f.end = parseTail(line, ref.end, end, f);
  if (f.end < ref.end) f.end = ref.end;
  return f;
}

/**
 * All frames on one line, between columns `start` and `end` (default: the whole line).
 * Context markers (`<IRQ>`, `<EOI>`, …) at the start are skipped; use `scanMarkers` to read them.
 */
export function parseFrames(line: string, start = 0, end = line.length, lineNo = -1, xen = false): Frame[] {
  const frames: Frame[] = [];
  let pos = skipSpaces(line, start, end);
  pos = skipMarkers(line, pos, end);
  if (pos >= end) return frames;
  // 1990s klogd: `Call Trace: [oops:_oops_ioctl+48/80] [_sys_ioctl+254/272]` (handled after the header)
  const c = line.charCodeAt(pos);
  const startsWithAddress = c === 91 || (c === 60 && isHexDigit(line.charCodeAt(pos + 1)));
  if (!startsWithAddress) {
    // Address-less forms must fill the line: `? sym+0xoff/0xsize [mod]` or syzbot `sym file:line [inline]`.
    // s390's parenthesised unreliable frame `([<addr>] sym+off/size)` opens with `(`.
    if (c === 40 && line.charCodeAt(pos + 1) === 91) {
      const f = parseAddressFrame(line, pos + 1, end, lineNo, xen);
      if (f) {
        f.reliable = false;
        const close = skipSpaces(line, f.end, end);
        f.start = pos;
        f.end = line.charCodeAt(close) === 41 ? close + 1 : f.end;
        frames.push(f);
      }
      return frames;
    }
    const f = parseAddresslessFrame(line, pos, end, lineNo);
    if (f) frames.push(f);
    return frames;
  }
  let guard = 0;
  while (pos < end && guard++ < 10000) {
    const ch = line.charCodeAt(pos);
    if (ch === 91 && line.charCodeAt(pos + 1) !== 60 && !isHexDigit(line.charCodeAt(pos + 1))) {
      // klogd bracketed symbol: [mod:sym+dec/dec]
      const close = line.indexOf(']', pos);
      const ref = close > 0 ? parseSymbolRef(line, pos + 1, close, true) : undefined;
      if (!ref || ref.end !== close || ref.offset === undefined) break;
      const f = emptyFrame(lineNo, pos, 'klogd', 'trace');
      applyRef(f, ref);
      f.end = close + 1;
      frames.push(f);
      pos = skipSpaces(line, close + 1, end);
      continue;
    }
    const f = parseAddressFrame(line, pos, end, lineNo, xen);
    if (!f) break;
    frames.push(f);
    let next = skipSpaces(line, f.end, end);
    // ARM32: `[<pc>] (sym) from [<lr>] (caller+off/size)`
    if (line.startsWith('from ', next)) next = skipSpaces(line, next + 5, end);
    next = skipMarkers(line, next, end);
    if (next <= pos) break;
    pos = next;
    const n = line.charCodeAt(pos);
    if (n !== 91 && n !== 60) break;
  }
  return frames;
}

function parseAddresslessFrame(line: string, pos: number, end: number, lineNo: number): Frame | undefined {
  let p = pos;
  let reliable = true;
  if (line.charCodeAt(p) === 63 && line.charCodeAt(p + 1) === 32) {
    reliable = false;
    p = skipSpaces(line, p + 2, end);
  }
  const ref = parseSymbolRef(line, p, end);
  if (!ref) return undefined;
  const f = emptyFrame(lineNo, pos, 'x86', 'trace');
  f.reliable = reliable;
  if (ref.offset !== undefined && ref.size !== undefined && ref.hexOffset) {
    applyRef(f, ref);
    f.end = parseTail(line, ref.end, end, f);
    if (!atEnd(line, f.end, end)) return undefined;
    return f;
  }
  if (ref.offset === undefined && line.charCodeAt(ref.end) === 32) {
    applyRef(f, ref);
    f.end = parseTail(line, ref.end, end, f);
    if (!f.inlined || !atEnd(line, f.end, end)) return undefined;
    f.format = 'inline';
    return f;
  }
  return undefined;
}

/** A stack-context marker on a line. */
export interface ContextMarker {
  /** `IRQ`, `/IRQ`, `EOI`, `NMI`, `/NMI`, `TASK`, `/TASK`, `#DF`, `/#DF`, `SOFTIRQ`, … */
  name: string;
  start: number;
  end: number;
}

const MARKER = /<(\/?(?:IRQ|EOI|NMI|TASK|SOFTIRQ|#DF|#DB|#MC|#SS|#VC|DB|MCE|STACKFAULT|DOUBLEFAULT|IST\d?))>/y;

function skipMarkers(line: string, pos: number, end: number): number {
  while (pos < end && line.charCodeAt(pos) === 60) {
    MARKER.lastIndex = pos;
    if (!MARKER.test(line)) break;
    pos = skipSpaces(line, MARKER.lastIndex, end);
  }
  return pos;
}

/** Context markers at the start of the payload (several may share a line in 2.6). */
export function scanMarkers(line: string, start: number, end: number): ContextMarker[] {
  const out: ContextMarker[] = [];
  let pos = skipSpaces(line, start, end);
  while (pos < end && line.charCodeAt(pos) === 60) {
    MARKER.lastIndex = pos;
    const m = MARKER.exec(line);
    if (!m) break;
    out.push({ name: m[1], start: pos, end: MARKER.lastIndex });
    pos = skipSpaces(line, MARKER.lastIndex, end);
    // 2.6 puts frames between markers: `<IRQ> <addr>{…} <addr>{…} <EOI> <addr>{…}`; mid-line markers
    // are found by the report parser after the frames.
  }
  return out;
}

// Register lines whose value is a code address. The name is followed by `:`, ` :`, ` is at` or ` @`.
const REGISTER_FRAME =
  / {0,12}(RIP|EIP|IP|NIP|LR|PC|pc|lr|epc|ra|ELR|Krnl PSW|CPU\d{1,4})(?: is at| @| {0,8}:| (?=\[[0-9a-f]))(?: {0,16}(?:[0-9a-f]{4}:|[0-9a-f]{16} (?=[0-9a-f]{8})))?/y;
const USER_SELECTORS = new Set(['0033', '0023', '0073', 'e033', 'e02b', 'e023']);

/**
 * Frames from register lines: `RIP: 0010:sym+off/size`, `RIP: 0010:[<a>]  [<a>] sym…`, `EIP is at …`,
 * `PC is at …`, `pc : sym…`, `pc : [<a>]    lr : [<a>]`, `NIP [a] sym…`, `NIP:  a LR: a`, `epc : …`,
 * `Krnl PSW : mask addr (sym…)`, Xen `RIP:    e008:[<a>] sym…`, `CPU7 @ e008:a (sym…)`.
 * User-mode values (selector 0033/e033) are not frames.
 */
export function parseRegisterFrames(line: string, start: number, end: number, lineNo = -1): Frame[] {
  const out: Frame[] = [];
  let pos = start;
  for (let n = 0; n < 4 && pos < end; n++) {
    REGISTER_FRAME.lastIndex = pos;
    const m = REGISTER_FRAME.exec(line);
    if (!m) break;
    const register = m[1];
    const selector = /([0-9a-f]{4}):$/.exec(m[0])?.[1];
    const p = skipSpaces(line, REGISTER_FRAME.lastIndex, end);
    const f = emptyFrame(lineNo, m.index + m[0].length - m[0].trimStart().length, 'register', 'register');
    f.register = register;
    f.context = 'regs';
    if (selector && USER_SELECTORS.has(selector) && register.endsWith('IP')) {
      // A user-space RIP is not a kernel code address.
      break;
    }
    const c = line.charCodeAt(p);
    if (c === 91 && isHexDigit(line.charCodeAt(p + 1))) {
      // ppc `NIP [c00000000022d79c] sym+off/size`
      const h = hexRun(line, p + 1, end);
      if (line.charCodeAt(h) !== 93) break;
      f.setAddressText(line, p + 1, h);
      f.end = h + 1;
      const q = skipSpaces(line, h + 1, end);
      const ref = q < end ? parseSymbolRef(line, q, end) : undefined;
      if (ref && ref.offset !== undefined) {
        applyRef(f, ref);
        f.end = parseTail(line, ref.end, end, f);
      }
      out.push(f);
      pos = skipSpaces(line, f.end, end);
      continue;
    }
    if (c === 91 /* [ */) {
      const frames = parseFrames(line, p, end, lineNo);
      if (frames.length === 0) break;
      // `[<a>]  [<a>] sym`: keep the one with the symbol
      let best = frames[0];
      for (const g of frames) if (g.symbol !== undefined && g.address === best.address) best = g;
      // the register line owns the frame: it starts at the register name
      best.start = f.start;
      best.format = 'register';
      best.role = 'register';
      best.register = register;
      best.context = 'regs';
      best.reliable = true;
      out.push(best);
      pos = skipSpaces(line, best.end, end);
      continue;
    }
    const h = hexRun(line, p, end);
    if (h - p >= 6 && (h >= end || line.charCodeAt(h) === 32)) {
      f.setAddressText(line, p, h);
      f.end = h;
      let q = skipSpaces(line, h, end);
      if (line.charCodeAt(q) === 40 /* ( */) {
        const ref = parseSymbolRef(line, q + 1, end);
        if (ref) {
          applyRef(f, ref);
          const e = parseModule(line, ref.end, end, f);
          q = skipSpaces(line, e >= 0 ? e : ref.end, end);
          f.end = line.charCodeAt(q) === 41 ? q + 1 : ref.end;
        }
      } else if (q < end && !/^[A-Za-z ]{1,6}:/.test(line.slice(q, q + 8)) && line.charCodeAt(q) !== 91) {
        const ref = parseSymbolRef(line, q, end);
        if (ref && ref.offset !== undefined) {
          applyRef(f, ref);
          f.end = ref.end;
        }
      }
      out.push(f);
      pos = f.end;
      continue;
    }
    const ref = parseSymbolRef(line, p, end);
    if (!ref) break;
    if (ref.offset === undefined && /^0x[0-9a-f]+$/.test(ref.symbol)) {
      // `PC is at 0x200000`
      f.address = BigInt(ref.symbol);
      f.addrStart = ref.symStart + 2;
      f.addrEnd = ref.symEnd;
      f.end = ref.end;
      out.push(f);
      break;
    }
    applyRef(f, ref);
    f.end = parseTail(line, ref.end, end, f);
    out.push(f);
    pos = f.end;
  }
  return out;
}

/** The first frame on a line (trace or register form), for callers that hold a single line. */
export function parseFrame(line: string): Frame | undefined {
  const regs = parseRegisterFrames(line, 0, line.length);
  if (regs.length > 0) return regs[0];
  return parseFrames(line)[0];
}
