// A status bar item that says which symbol tables the active log is read against.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { StatusNotification, StatusRequest, type StatusParams } from '../../server/src/protocol/lsp';

// Symbol tables matter for logs only; trace text decodes without them.
const LANGUAGES = new Set(['kernel-log']);

export function registerStatusBar(context: vscode.ExtensionContext, client: LanguageClient, ensureStarted: () => Promise<void>): void {
  const item = vscode.window.createStatusBarItem('xenscope.symbols', vscode.StatusBarAlignment.Right, 100);
  item.name = 'XenScope symbol tables';
  item.command = 'xenscope.loadSymbols';
  const latest = new Map<string, StatusParams>();

  const render = () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || !LANGUAGES.has(editor.document.languageId)) {
      item.hide();
      return;
    }
    const status = latest.get(editor.document.uri.toString());
    const used = status?.sources.filter((s) => !s.error) ?? [];
    const warn = status && status.mismatched > 0 && status.mismatched * 2 > status.checked;
    item.text = used.length === 0 ? '$(symbol-method) no symbols' : `${warn ? '$(warning)' : '$(symbol-method)'} ${used.map((s) => path.basename(s.path)).join(', ')}`;
    const tooltip = new vscode.MarkdownString();
    tooltip.appendMarkdown('**XenScope symbol tables**\n\n');
    if (status?.version) tooltip.appendMarkdown(`Log version: \`${status.version}\`\n\n`);
    for (const s of status?.sources ?? []) {
      tooltip.appendMarkdown(s.error ? `- ✗ \`${s.path}\`: ${s.error}\n` : `- \`${s.path}\` (${s.kind}, ${s.symbols} symbols, ${s.origin})\n`);
    }
    if (status && status.checked > 0) tooltip.appendMarkdown(`\n${status.checked - status.mismatched} of ${status.checked} frames agree with the tables.\n`);
    tooltip.appendMarkdown('\nClick to load a System.map, kallsyms, Xen map, vmlinux or xen-syms.');
    item.tooltip = tooltip;
    item.show();
  };

  context.subscriptions.push(
    item,
    client.onNotification(StatusNotification, (status) => {
      latest.set(status.uri, status);
      render();
    }),
    vscode.window.onDidChangeActiveTextEditor(async (editor) => {
      render();
      if (editor && LANGUAGES.has(editor.document.languageId) && !latest.has(editor.document.uri.toString())) {
        await ensureStarted();
        latest.set(editor.document.uri.toString(), await client.sendRequest(StatusRequest, { uri: editor.document.uri.toString() }));
        render();
      }
    }),
  );
  render();
}
