// Tokenizes every fixture log with the kernel-log grammar through vscode-textmate (as VS Code
// does) and checks the result against facts found *without* the grammar: frames are located
// by splitting lines into words (not by the grammar's regexes), headline and marker lines by
// plain substring search. Also checks that unreliable frames really render dimmer under a
// theme, and that tokenizing stays linear on big logs and on very long lines.
//
// The fixtures in test/grammar/fixtures/ are verbatim copies of ../shared/fixtures/logs/
// (each keeps its "# source:" line). The xentrace grammar has no real text dump to test
// against; its lines are written from the formats in xentrace-format.md §4 and live in
// test/grammar/xentrace/.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import * as vsctm from 'vscode-textmate';
import { createRegistry, foregroundAt, loadGrammar, scopesAt, tokenizeLines } from './grammarHost';

const FIXTURES = path.join(__dirname, 'fixtures');
const fixtureNames = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.txt')).sort();

/** Fixture lines without the "# source:/# format:/# note:" metadata the corpus added. */
function logLines(name: string): string[] {
  return fs
    .readFileSync(path.join(FIXTURES, name), 'utf8')
    .split('\n')
    .filter((line) => !/^# (?:source|format|note):/.test(line));
}

interface FoundFrame {
  symbol: string;
  /** Index of the symbol's first character in the line. */
  start: number;
  /** The frame was printed as unreliable ("? " before it). */
  questionMark: boolean;
}

// Word characters of a frame token: anything but blanks and the brackets/parentheses/braces
// printers wrap frames in.
const WORD = /[^\s()[\]{}<>,]+/g;
// "[seg:|mod:]name+off/size" with hex or decimal numbers (klogd prints decimal, Xen prints a
// zero offset as a bare 0). Xen static symbols carry "file.c#" or "path/file.c#".
const SYMBOL_WORD = /^((?:[\w-]+:)*)([A-Za-z_.$][\w.$#/]*)[+-](?:0x[0-9a-f]+|\d+)\/(?:0x[0-9a-f]+|\d+)$/i;

/** Finds frames by splitting the line into words; independent of the grammar's regexes. */
function findFrames(line: string): FoundFrame[] {
  const frames: FoundFrame[] = [];
  for (const word of line.matchAll(WORD)) {
    const m = SYMBOL_WORD.exec(word[0]);
    if (m !== null) {
      const start = word.index + m[1]!.length;
      frames.push({ symbol: m[2]!, start, questionMark: line.slice(0, word.index).endsWith('? ') });
    }
  }
  // Frame shapes whose symbol has no +off/size: pre-2.6.18 "<addr>{name+dec}", ARM's
  // "(name) from [<", syzbot's inlined "name file.c:N [inline]".
  for (const m of line.matchAll(/\{(?::[\w-]+:)?([A-Za-z_.$][\w.$]*)\+\d+\}/g)) {
    frames.push({ symbol: m[1]!, start: m.index + m[0].indexOf(m[1]!), questionMark: false });
  }
  for (const m of line.matchAll(/\(([A-Za-z_.$][\w.$]*)\) from \[</g)) {
    frames.push({ symbol: m[1]!, start: m.index + 1, questionMark: false });
  }
  for (const m of line.matchAll(/ ([A-Za-z_.$][\w.$]*) [\w./-]+:\d+ \[inline\]/g)) {
    frames.push({ symbol: m[1]!, start: m.index + 1, questionMark: false });
  }
  return frames;
}

describe('kernel-log grammar on every fixture log', () => {
  let grammar: vsctm.IGrammar;
  before(async () => {
    grammar = await loadGrammar(await createRegistry(), 'text.log.kernel');
  });

  it('has the fixture corpus copied in', () => {
    assert.ok(fixtureNames.length >= 40, `found ${fixtureNames.length} fixtures`);
  });

  it('gives every frame symbol exactly the xen.frame.symbol scope, dim when unreliable', (t) => {
    const problems: string[] = [];
    let frames = 0;
    let unreliable = 0;
    const filesWithFrames = new Set<string>();
    for (const name of fixtureNames) {
      const lines = logLines(name);
      const tokens = tokenizeLines(grammar, lines);
      lines.forEach((line, i) => {
        for (const frame of findFrames(line)) {
          frames++;
          filesWithFrames.add(name);
          const where = `${name}:${i + 1}:${frame.start + 1} ${frame.symbol}`;
          const end = frame.start + frame.symbol.length;
          for (let c = frame.start; c < end; c++) {
            if (!scopesAt(tokens[i]!, c).includes('xen.frame.symbol')) {
              problems.push(`${where}: column ${c + 1} lacks xen.frame.symbol`);
              break;
            }
          }
          // The symbol scope covers the name and nothing next to it.
          if (scopesAt(tokens[i]!, frame.start - 1).includes('xen.frame.symbol') ||
              scopesAt(tokens[i]!, end).includes('xen.frame.symbol')) {
            problems.push(`${where}: symbol scope spills over the name`);
          }
          const scopes = scopesAt(tokens[i]!, frame.start);
          const parenthesised = /\(unreliable\)|\(\[</.test(line);
          if (frame.questionMark) {
            unreliable++;
            if (!scopes.includes('xen.frame.unreliable') || scopes.includes('entity.name.function')) {
              problems.push(`${where}: "?" frame not dim: ${scopes.join(' ')}`);
            }
          } else if (!parenthesised && !scopes.includes('entity.name.function')) {
            problems.push(`${where}: reliable frame lacks entity.name.function: ${scopes.join(' ')}`);
          }
        }
      });
    }
    t.diagnostic(`${frames} frames (${unreliable} with "?") in ${filesWithFrames.size} of ${fixtureNames.length} fixtures`);
    assert.deepEqual(problems, []);
    // Sanity of the independent finder itself: the corpus is mostly stack traces.
    assert.ok(frames > 1500, `found ${frames} frames`);
    assert.ok(unreliable > 100, `found ${unreliable} unreliable frames`);
    assert.ok(filesWithFrames.size >= 44, `frames in ${filesWithFrames.size} files`);
  });

  // Substrings that always mean the same construct, and the private scope it must carry.
  const MARKERS: ReadonlyArray<readonly [string, string]> = [
    ['BUG: soft lockup', 'xen.headline.lockup'],
    ['blocked for more than', 'xen.headline.lockup'],
    ['detected stalls on CPUs/tasks', 'xen.headline.lockup'],
    ['Kernel panic - not syncing', 'xen.headline.panic'],
    ['Panic on CPU', 'xen.headline.panic'],
    ['Internal error: Oops', 'xen.headline.error'],
    ['Unable to handle kernel', 'xen.headline.error'],
    ['BUG: KASAN:', 'xen.headline.error'],
    ['Xen BUG at', 'xen.headline.error'],
    ['WARNING: CPU:', 'xen.headline.warning'],
    ['Call Trace:', 'xen.calltrace.header'],
    ['Call trace:', 'xen.calltrace.header'],
    ['Xen call trace:', 'xen.calltrace.header'],
    ['<IRQ>', 'xen.context.marker'],
    ['</IRQ>', 'xen.context.marker'],
    ['<EOI>', 'xen.context.marker'],
    ['<TASK>', 'xen.context.marker'],
    ['</TASK>', 'xen.context.marker'],
    ['Modules linked in:', 'xen.modules.header'],
    ['(XEN)', 'xen.log.xen-prefix'],
    ['[ cut here ]', 'xen.cut-here'],
    ['---[ end trace', 'xen.end-trace'],
    ['----[ Xen-', 'xen.xen-banner'],
    ['Not tainted', 'xen.taint.none'],
    ['RIP: ', 'xen.register.name'],
    ['RSP: ', 'xen.register.name'],
    ['EFLAGS: ', 'xen.register.name'],
    ['rax: ', 'xen.register.name'],
  ];

  it('marks every headline, trace header, context marker and register by substring', () => {
    const problems: string[] = [];
    const seen = new Map<string, number>();
    for (const name of fixtureNames) {
      const lines = logLines(name);
      const tokens = tokenizeLines(grammar, lines);
      lines.forEach((line, i) => {
        for (const [needle, scope] of MARKERS) {
          for (let at = line.indexOf(needle); at >= 0; at = line.indexOf(needle, at + 1)) {
            seen.set(needle, (seen.get(needle) ?? 0) + 1);
            const probe = needle.startsWith('----[') ? at + 6 : at;
            if (!scopesAt(tokens[i]!, probe).includes(scope)) {
              problems.push(`${name}:${i + 1}:${at + 1} "${needle}" lacks ${scope}`);
            }
          }
        }
      });
    }
    assert.deepEqual(problems, []);
    for (const [needle] of MARKERS) {
      assert.ok((seen.get(needle) ?? 0) > 0, `the corpus contains "${needle}"`);
    }
  });
});

describe('unreliable frames read dimmer under a theme', () => {
  // Colours of the VS Code "Dark+" theme for the standard scopes involved.
  const DARK_PLUS = [
    { scope: 'comment', foreground: '#6A9955' },
    { scope: 'entity.name.function', foreground: '#DCDCAA' },
    { scope: 'entity.name.namespace', foreground: '#4EC9B0' },
    { scope: 'constant.numeric', foreground: '#B5CEA8' },
  ];
  // Real lines from xen-4.17-qemu-dom0-6.1.0-56-sysrq.txt and xen-bugzilla-543-….txt.
  const questionMarked = '[  175.482312]  ? xen_hypercall_sched_op+0xa/0x20';
  const addressed = ' [<ffffffff8020622a>] ? hypercall_page+0x22a/0x1000';
  const reliable = ' [<ffffffff8034b258>] force_evtchn_callback+0xa/0xb';

  it('paints the whole "?" frame in the comment colour and a reliable symbol in the function colour', async () => {
    const registry = await createRegistry(DARK_PLUS);
    const grammar = await loadGrammar(registry, 'text.log.kernel');
    const colourOf = (line: string, text: string) => foregroundAt(registry, grammar, line, line.indexOf(text));
    for (const text of ['?', 'xen_hypercall_sched_op', '+0xa/0x20']) {
      assert.equal(colourOf(questionMarked, text), '#6A9955', `"${text}" in ${questionMarked}`);
    }
    for (const text of ['[<ffffffff8020622a>]', 'hypercall_page', '+0x22a/0x1000']) {
      assert.equal(colourOf(addressed, text), '#6A9955', `"${text}" in ${addressed}`);
    }
    assert.equal(colourOf(reliable, 'force_evtchn_callback'), '#DCDCAA');
    assert.equal(colourOf(reliable, '+0xa/0xb'), '#B5CEA8');
  });
});

describe('tokenizing time is linear', () => {
  let grammar: vsctm.IGrammar;
  let xentraceGrammar: vsctm.IGrammar;
  let corpus: string[];
  before(async () => {
    const registry = await createRegistry();
    grammar = await loadGrammar(registry, 'text.log.kernel');
    xentraceGrammar = await loadGrammar(registry, 'text.log.xentrace');
    corpus = fixtureNames.flatMap(logLines).filter((line) => line.length > 0);
    tokenizeLines(grammar, corpus); // compile every rule once before timing
  });

  /** A log of whole fixture lines, repeated until it reaches `bytes`. */
  function generatedLog(bytes: number): string[] {
    const lines: string[] = [];
    for (let size = 0, i = 0; size < bytes; i++) {
      const line = corpus[i % corpus.length]!;
      lines.push(line);
      size += line.length + 1;
    }
    return lines;
  }

  /** Milliseconds to tokenize, with VS Code's 500 ms per-line budget; fails if a line hits it. */
  function timeToTokenize(lines: readonly string[]): number {
    let state = vsctm.INITIAL;
    const start = performance.now();
    for (const line of lines) {
      const result = grammar.tokenizeLine2(line, state, 500);
      assert.equal(result.stoppedEarly, false, `line stopped early: ${line.slice(0, 80)}`);
      state = result.ruleStack;
    }
    return performance.now() - start;
  }

  it('a 10 MB log costs about ten times a 1 MB log and stays far under VS Code limits', (t) => {
    // The small size is timed three times (median) so one scheduling hiccup on a shared
    // machine cannot skew the ratio.
    const oneMbLog = generatedLog(1 << 20);
    const oneMb = median([0, 1, 2].map(() => timeToTokenize(oneMbLog)));
    const tenMb = timeToTokenize(generatedLog(10 << 20));
    t.diagnostic(`1 MB: ${oneMb.toFixed(0)} ms, 10 MB: ${tenMb.toFixed(0)} ms, ratio ${(tenMb / oneMb).toFixed(2)}`);
    assert.ok(tenMb / oneMb < 16, `10 MB / 1 MB time ratio ${(tenMb / oneMb).toFixed(2)} is not roughly 10`);
    assert.ok(tenMb < 60_000, `10 MB took ${tenMb.toFixed(0)} ms`);
  });

  // Shapes that make backtracking regexes quadratic: long runs of one character class, long
  // runs of frame-like tokens, and repeated openings of a construct whose end never comes.
  const LONG_LINE_UNITS: ReadonlyArray<readonly [string, string, string]> = [
    ['text.log.kernel', 'frames', '[<ffffffff81000000>] ? foo_bar+0x1a/0x40 [mod] kernel/x.c:12 '],
    ['text.log.kernel', 'symbol characters', 'a'],
    ['text.log.kernel', 'symbol-like words joined by "+"', 'ab+'],
    ['text.log.kernel', 'dashes', '-'],
    ['text.log.kernel', 'digits', '7'],
    ['text.log.kernel', 'blanks after a bracket', ' '],
    ['text.log.kernel', 'registers', 'RAX: 0000000000000020 '],
    ['text.log.kernel', 'code bytes', 'Code: 48 89 <f2> '],
    ['text.log.kernel', 'unterminated Xen banners', '----[ Xen-a  b  c '],
    ['text.log.kernel', 'Xen banners', '----[ Xen-4.17.2  x86_64  debug=n  Not tainted ]---- '],
    ['text.log.kernel', 'unterminated lockdep titles', '[ INFO: possible a b '],
    ['text.log.xentrace', 'xenalyze times without a vCPU', '0.000000001 '],
    ['text.log.xentrace', 'xentrace_format fields', '[ dom:vcpu = 0x00000002, '],
    ['text.log.xentrace', 'xenalyze records', ']  0.000701752 - .  x- d14v2 vmexit eip ffffffff8c0043b9 '],
  ];

  for (const [scopeName, shape, unit] of LONG_LINE_UNITS) {
    it(`one ${scopeName} line of ${shape}: 1 MB costs about four times 256 KB`, (t) => {
      const lineGrammar = scopeName === 'text.log.kernel' ? grammar : xentraceGrammar;
      const line = (bytes: number) => '[' + unit.repeat(Math.ceil(bytes / unit.length));
      const smallLine = line(256 << 10);
      const small = median([0, 1, 2].map(() => timeOneLine(lineGrammar, smallLine)));
      const big = timeOneLine(lineGrammar, line(1 << 20));
      t.diagnostic(`${shape}: 256 KB ${small.toFixed(0)} ms, 1 MB ${big.toFixed(0)} ms`);
      // Generous bound for a shared 2-core machine; a quadratic rule would give about 16.
      assert.ok(big / Math.max(small, 5) < 8, `${shape}: 1 MB / 256 KB time ratio ${(big / small).toFixed(2)}`);
    });
  }

  function median(values: number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)]!;
  }

  function timeOneLine(lineGrammar: vsctm.IGrammar, line: string): number {
    const start = performance.now();
    lineGrammar.tokenizeLine2(line, vsctm.INITIAL);
    return performance.now() - start;
  }
});
