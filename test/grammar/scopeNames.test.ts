// The naming rule: every scope a grammar assigns pairs a standard TextMate scope (so
// every theme colours it) with a private xen.* one (so users and tests can target it). The one
// exception is by design: the parts of an unreliable "?" frame carry only private scopes, so
// the enclosing comment.line scope decides their colour and the whole frame reads dim.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { GRAMMAR_FILES } from './grammarHost';

// Top-level names of the standard scope families that themes colour (TextMate naming conventions).
const STANDARD_ROOTS = new Set([
  'comment', 'constant', 'entity', 'invalid', 'keyword', 'markup', 'meta',
  'punctuation', 'storage', 'string', 'support', 'variable',
]);

// Rule keys whose value is a scope name (vscode-textmate's raw grammar format).
const SCOPE_KEYS = new Set(['name', 'contentName']);

/** Every scope name in a grammar, with the path of the rule that assigns it. */
function scopeNames(node: unknown, where: string, out: Array<[string, string]>): Array<[string, string]> {
  if (Array.isArray(node)) {
    node.forEach((child, i) => scopeNames(child, `${where}[${i}]`, out));
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (SCOPE_KEYS.has(key) && typeof value === 'string' && where !== '') {
        out.push([value, `${where}.${key}`]);
      } else {
        scopeNames(value, `${where}.${key}`, out);
      }
    }
  }
  return out;
}

const UNRELIABLE_PARTS = /^xen\.frame\.(?:address|symbol|offset|module|source|unreliable\.marker)$/;

describe('scope names', () => {
  for (const [scopeName, file] of Object.entries(GRAMMAR_FILES)) {
    it(`${scopeName}: every name pairs a standard scope with a xen.* scope`, () => {
      const grammar = JSON.parse(fs.readFileSync(file, 'utf8')) as { scopeName: string };
      assert.equal(grammar.scopeName, scopeName);
      const names = scopeNames(grammar, '', []);
      assert.ok(names.length > 20, `${names.length} scope names found`);
      const bad = names.filter(([name, where]) => {
        const parts = name.split(' ');
        const standard = parts.some((p) => STANDARD_ROOTS.has(p.split('.')[0]!));
        const own = parts.some((p) => p.startsWith('xen.'));
        const unreliablePart = where.includes('frame-unreliable') && UNRELIABLE_PARTS.test(name);
        return !(own && (standard || unreliablePart));
      });
      assert.deepEqual(bad, []);
    });
  }
});
