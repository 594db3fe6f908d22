// Loads the extension's TextMate grammars the way VS Code does (vscode-textmate over the
// oniguruma WebAssembly build), so tests see the same tokens an editor would.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import * as vsctm from 'vscode-textmate';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export const GRAMMAR_FILES: Readonly<Record<string, string>> = {
  'text.log.kernel': path.join(REPO_ROOT, 'syntaxes', 'kernel-log.tmLanguage.json'),
  'text.log.xentrace': path.join(REPO_ROOT, 'syntaxes', 'xentrace.tmLanguage.json'),
};

/** A theme rule as VS Code themes write them: scope selector(s) and a foreground colour. */
export interface ThemeRule {
  scope: string;
  foreground: string;
}

let wasmLoaded: Promise<void> | undefined;

function loadOnigurumaOnce(): Promise<void> {
  // The WebAssembly module can be initialised only once per process.
  wasmLoaded ??= (async () => {
    const wasmPath = require.resolve('vscode-oniguruma/release/onig.wasm');
    const bytes = fs.readFileSync(wasmPath);
    await oniguruma.loadWASM(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  })();
  return wasmLoaded;
}

/** Creates a registry that resolves our two scope names, optionally with a colour theme. */
export async function createRegistry(theme?: readonly ThemeRule[]): Promise<vsctm.Registry> {
  await loadOnigurumaOnce();
  const registry = new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns: string[]) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text: string) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scopeName: string) => {
      const file = GRAMMAR_FILES[scopeName];
      return file === undefined ? null : vsctm.parseRawGrammar(fs.readFileSync(file, 'utf8'), file);
    },
  });
  if (theme !== undefined) {
    registry.setTheme({
      settings: [
        { settings: { foreground: '#D4D4D4', background: '#1E1E1E' } },
        ...theme.map((rule) => ({ scope: rule.scope, settings: { foreground: rule.foreground } })),
      ],
    });
  }
  return registry;
}

export async function loadGrammar(registry: vsctm.Registry, scopeName: string): Promise<vsctm.IGrammar> {
  const grammar = await registry.loadGrammar(scopeName);
  if (grammar === null) {
    throw new Error(`grammar ${scopeName} did not load`);
  }
  return grammar;
}

/** Tokenizes a whole text line by line, carrying the rule stack as an editor does. */
export function tokenizeLines(grammar: vsctm.IGrammar, lines: readonly string[]): vsctm.IToken[][] {
  let state = vsctm.INITIAL;
  return lines.map((line) => {
    const result = grammar.tokenizeLine(line, state);
    state = result.ruleStack;
    return result.tokens;
  });
}

/** The scopes (each space-separated name split out) that cover character `index` of a line. */
export function scopesAt(tokens: readonly vsctm.IToken[], index: number): string[] {
  const token = tokens.find((t) => t.startIndex <= index && index < t.endIndex);
  return token === undefined ? [] : token.scopes.flatMap((s) => s.split(' '));
}

/**
 * Foreground colour of character `index` from tokenizeLine2's packed metadata. The layout
 * (foreground colour id in bits 15..23) is vscode-textmate's EncodedTokenAttributes.
 */
export function foregroundAt(
  registry: vsctm.Registry,
  grammar: vsctm.IGrammar,
  line: string,
  index: number,
): string {
  const packed = grammar.tokenizeLine2(line, vsctm.INITIAL).tokens;
  let metadata = 0;
  for (let i = 0; i < packed.length; i += 2) {
    if (packed[i]! <= index) {
      metadata = packed[i + 1]!;
    }
  }
  const colourId = (metadata & 0x00ff8000) >>> 15;
  return registry.getColorMap()[colourId] ?? '';
}
