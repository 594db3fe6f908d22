import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { XenScopeApi } from '../../../client/src/extension';

export const EXTENSION_ID = 'xenscope.xenscope';
/** The repository root: the bundled suite sits in out/test/integration/suite/. */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const SAMPLES = path.join(REPO_ROOT, 'samples');

/** Activates XenScope and waits until its language server is running. */
export async function activateXenScope(): Promise<void> {
  const extension = vscode.extensions.getExtension<XenScopeApi>(EXTENSION_ID);
  assert.ok(extension, `extension ${EXTENSION_ID} is loaded`);
  const api = await extension.activate();
  await api.ready();
}

export async function openSample(name: string): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(path.join(SAMPLES, name));
  return vscode.window.showTextDocument(document);
}

/** Hover markdown at the first occurrence of `needle`, a few characters in. */
export async function hoverText(document: vscode.TextDocument, needle: string): Promise<string> {
  const offset = document.getText().indexOf(needle);
  assert.ok(offset >= 0, `${needle} is in ${document.fileName}`);
  const position = document.positionAt(offset + 3);
  const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : c.value))
    .join('\n');
}

/** Polls `probe` until it gives a value; fails naming `what` after `timeoutMs`. */
export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
