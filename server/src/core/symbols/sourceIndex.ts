// Without DWARF, go-to-definition still needs to land on the function: this scans a source tree's
// *.c, *.h and *.S for function definitions (a line-based scanner, not a compiler): C definitions
// that start in column 0 and open a body, SYSCALL_DEFINEn(name, …), and assembly entry points
// (SYM_FUNC_START(name), SYM_CODE_START(name), ENTRY(name), `name:` labels in column 0).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { normalizeSymbol } from '../oops/signature';
import { findFiles } from './fileWalk';

export interface Definition {
  /** Path relative to the indexed root. */
  file: string;
  /** 1-based line. */
  line: number;
}

const SOURCE_EXT = /\.(c|h|S)$/;
const SKIP_DIRS = new Set(['.git', 'node_modules', '.pc', 'Documentation']);
const C_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof', 'do', 'else', 'case', 'typeof', '__attribute__', 'defined']);
const ASM_ENTRY = /^\s*(?:SYM_FUNC_START(?:_LOCAL|_NOALIGN|_WEAK)?|SYM_CODE_START(?:_LOCAL|_NOALIGN)?|SYM_INNER_LABEL(?:_ALIGN)?|ENTRY|GLOBAL|ENDPROC_START)\(\s*([A-Za-z_][\w.$]*)/;
const ASM_LABEL = /^([A-Za-z_][\w.$]*):/;
const SYSCALL = /^(?:COMPAT_)?SYSCALL_DEFINE\d\(\s*(\w+)/;

/**
 * Function definitions in one file's text. Linear: each line is looked at once, and the
 * lookahead for the opening brace is at most 12 lines.
 */
export function scanDefinitions(text: string, assembly: boolean): { name: string; line: number }[] {
  const out: { name: string; line: number }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.length === 0) continue;
    const c = line.charCodeAt(0);
    if (assembly) {
      const m = ASM_ENTRY.exec(line) ?? (c !== 46 && c !== 35 ? ASM_LABEL.exec(line) : null);
      if (m && !/^\d/.test(m[1])) out.push({ name: m[1], line: i + 1 });
      continue;
    }
    // C: column-0 definitions only (kernel style); skip preprocessor, comments, indented code
    if (c === 32 || c === 9 || c === 35 || c === 47 || c === 42 || c === 125 || c === 123) continue;
    const sys = SYSCALL.exec(line);
    if (sys) {
      for (const prefix of ['sys_', '__x64_sys_', '__ia32_sys_', '__se_sys_', '__do_sys_', '__arm64_sys_']) out.push({ name: prefix + sys[1], line: i + 1 });
      continue;
    }
    // `__attribute__((noinline)) int foo(…)`: the name's '(' comes after the attribute's
    let from = 0;
    for (let a = line.indexOf('__attribute__'); a >= 0; a = line.indexOf('__attribute__', from)) {
      const close = line.indexOf('))', a);
      if (close < 0) break;
      from = close + 2;
    }
    const paren = line.indexOf('(', from);
    if (paren <= 0 || line.length > 400) continue;
    // the identifier right before the first '('
    let e = paren;
    while (e > 0 && line.charCodeAt(e - 1) === 32) e--;
    let s = e;
    while (s > 0 && /[\w]/.test(line[s - 1])) s--;
    if (s === e) continue;
    const name = line.slice(s, e);
    if (C_KEYWORDS.has(name) || /^\d/.test(name) || name.toUpperCase() === name) continue;
    if (line.includes('=') && line.indexOf('=') < paren) continue;
    // a definition: `{` comes before any `;` in this line or the next few (parameter lists wrap)
    let found = false;
    for (let k = i; k < Math.min(lines.length, i + 12); k++) {
      const l = k === i ? line.slice(paren) : lines[k];
      const semi = l.indexOf(';');
      const brace = l.indexOf('{');
      if (brace >= 0 && (semi < 0 || brace < semi)) {
        found = true;
        break;
      }
      if (semi >= 0) break;
    }
    if (found) out.push({ name, line: i + 1 });
  }
  return out;
}

/** Name → definitions for a whole tree. */
export class SourceIndex {
  private constructor(readonly root: string, private readonly defs: Map<string, Definition[]>, readonly files: number) {}

  /** Scans a tree (`concurrency` files at a time). */
  static async build(root: string, options: { concurrency?: number } = {}): Promise<SourceIndex> {
    const files = await findFiles(root, (name) => SOURCE_EXT.test(name), { skipDirs: SKIP_DIRS });
    const defs = new Map<string, Definition[]>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < files.length) {
        const file = files[next++];
        let text: string;
        try {
          text = await fs.readFile(file, 'latin1');
        } catch {
          continue;
        }
        const rel = path.relative(root, file);
        for (const d of scanDefinitions(text, file.endsWith('.S'))) {
          let list = defs.get(d.name);
          if (!list) {
            list = [];
            defs.set(d.name, list);
          }
          list.push({ file: rel, line: d.line });
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
    return new SourceIndex(root, defs, files.length);
  }

  /**
   * Definitions of a symbol as a log prints it: `foo.isra.0` → `foo`, `__pfx_foo` → `foo`,
   * Xen `file.c#foo` → `foo` preferring definitions in `file.c`.
   */
  find(symbol: string): Definition[] {
    let name = symbol;
    let fileHint: string | undefined;
    const hash = name.indexOf('#');
    if (hash > 0) {
      fileHint = name.slice(0, hash);
      name = name.slice(hash + 1);
    }
    name = normalizeSymbol(name);
    if (name.startsWith('__pfx_')) name = name.slice(6);
    if (name.startsWith('__cfi_')) name = name.slice(6);
    const list = this.defs.get(name) ?? [];
    if (!fileHint) return list;
    const hint = fileHint;
    const preferred = list.filter((d) => d.file === hint || d.file.endsWith('/' + hint));
    return preferred.length > 0 ? preferred : list;
  }

  /** Number of distinct names. */
  get size(): number {
    return this.defs.size;
  }
}
