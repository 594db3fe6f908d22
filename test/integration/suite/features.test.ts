// Language features through VS Code's own command API, in the real editor: go to definition
// through DWARF (a gcc-built ELF), the outline, the Problems list, trace-text hover, and
// kernel-log detection for a plain .log file.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { buildDwarfFixture, missingTools } from '../../support/dwarfFixture';
import { activateXenScope, hoverText, openSample, REPO_ROOT, until } from './helpers';

suite('language features in a real VS Code', () => {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-it-'));
  const config = () => vscode.workspace.getConfiguration('xenscope');

  suiteSetup(activateXenScope);
  suiteTeardown(async () => {
    await config().update('symbols.vmlinux', undefined, vscode.ConfigurationTarget.Global);
    await config().update('detectKernelLogs', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(work, { recursive: true, force: true });
  });

  test('go to definition lands on the source line through DWARF', async function () {
    const missing = missingTools();
    if (missing.length > 0) throw new Error(`gcc and binutils are needed for this test: missing ${missing.join(', ')}`);
    const fx = buildDwarfFixture(REPO_ROOT, work);
    await config().update('symbols.vmlinux', [fx.vmlinux], vscode.ConfigurationTarget.Global);
    const document = await vscode.workspace.openTextDocument(fx.logFile);
    await vscode.window.showTextDocument(document);
    assert.equal(document.languageId, 'kernel-log'); // *.oops
    const position = new vscode.Position(fx.frameLine, fx.frameColumn);
    const target = await until('a definition in kernel.c', async () => {
      const defs = await vscode.commands.executeCommand<(vscode.Location | vscode.LocationLink)[]>('vscode.executeDefinitionProvider', document.uri, position);
      const first = defs?.[0];
      if (!first) return undefined;
      const loc = 'targetUri' in first ? { uri: first.targetUri, range: first.targetRange } : first;
      return loc.uri.fsPath === fx.kernelC ? loc : undefined;
    });
    assert.equal(target.range.start.line, fx.expectedLine);
  });

  test('the outline lists every report of the sample lockup log', async () => {
    const editor = await openSample('xen-domU-softlockup.console');
    const expected = editor.document.getText().split('\n').filter((l) => l.startsWith('BUG: soft lockup')).length;
    const symbols = await until('document symbols', async () => {
      const s = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', editor.document.uri);
      return s && s.length > 0 ? s : undefined;
    });
    assert.equal(symbols.filter((s) => s.name.startsWith('BUG: soft lockup')).length, expected);
    assert.ok(symbols[0].children.some((c) => c.name === '<IRQ>'));
  });

  test('the Problems list has one warning per lockup', async () => {
    const editor = await openSample('xen-domU-softlockup.console');
    const expected = editor.document.getText().split('\n').filter((l) => l.startsWith('BUG: soft lockup')).length;
    const diags = await until('diagnostics', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => x.source === 'xenscope' && x.code === 'soft-lockup');
      return d.length === expected ? d : undefined;
    });
    assert.ok(diags.every((d) => d.severity === vscode.DiagnosticSeverity.Warning));
  });

  test('hover decodes a xentrace_format record', async () => {
    const editor = await openSample('records.xentrace.txt');
    assert.equal(editor.document.languageId, 'xentrace');
    const text = await hoverText(editor.document, 'running_to_blocked');
    assert.match(text, /dom:vcpu/);
    assert.match(text, /CPU 0/);
  });

  test('a plain .log that is a kernel log switches to Kernel Log', async () => {
    await config().update('detectKernelLogs', 'switch', vscode.ConfigurationTarget.Global);
    const file = path.join(work, 'console.log');
    fs.copyFileSync(path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console'), file);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    await until('kernel-log language', () => (vscode.window.activeTextEditor?.document.languageId === 'kernel-log' ? true : undefined));
  });

  test('a log over 16 MB, which the server keeps as UTF-8 bytes, gets problems, hovers and edits', async function () {
    this.timeout(120_000);
    // VS Code syncs it (under 50 MB); over stdio the server keeps its text as bytes
    // (transport/streamReader.ts). A first line with characters of several UTF-8 lengths.
    const unit = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console'), 'utf8');
    const perCopy = unit.split('\n').filter((l) => l.startsWith('BUG: soft lockup')).length;
    const copies = Math.ceil((18 << 20) / Buffer.byteLength(unit));
    const file = path.join(work, 'synced.console');
    fs.writeFileSync(file, '# serial │ é 😀\n' + unit.repeat(copies));
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const lockups = () => vscode.languages.getDiagnostics(document.uri).filter((d) => d.code === 'soft-lockup');
    const before = await until('problems of the 18 MB log', () => (lockups().length === perCopy * copies ? lockups() : undefined), 90_000);
    const firstLine = document.getText().split('\n').findIndex((l) => l.startsWith('BUG: soft lockup'));
    assert.equal(before[0]!.range.start.line, firstLine);
    // A hover on the log's last hypercall_page frame, 18 MB in.
    const offset = document.getText().lastIndexOf('hypercall_page+0x22a');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, document.positionAt(offset + 3));
    assert.match(hovers.flatMap((h) => h.contents).map((c) => (typeof c === 'string' ? c : c.value)).join('\n'), /__HYPERVISOR_xen_version/);
    // An edit on the first line, after the non-ASCII characters: every problem moves down a line.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(document.uri, new vscode.Position(0, document.lineAt(0).text.length), '\ninserted');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await until('problems one line lower', () => (lockups()[0]?.range.start.line === firstLine + 1 && lockups().length === perCopy * copies ? true : undefined), 90_000);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('a log over 50 MB, which VS Code keeps from extensions, still gets its problems', async function () {
    this.timeout(120_000);
    // 19 soft lockups per copy of the sample (the LSP tests count them the same way).
    const unit = fs.readFileSync(path.join(REPO_ROOT, 'samples', 'xen-domU-softlockup.console'), 'utf8');
    const perCopy = unit.split('\n').filter((l) => l.startsWith('BUG: soft lockup')).length;
    const copies = Math.ceil((52 << 20) / Buffer.byteLength(unit));
    const file = path.join(work, 'big.console');
    fs.writeFileSync(file, unit.repeat(copies));
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', uri);
    const diags = await until('problems of the 52 MB log', () => {
      const d = vscode.languages.getDiagnostics(uri);
      return d.length >= perCopy * copies ? d : undefined;
    }, 90_000);
    assert.equal(diags.length, perCopy * copies);
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()), 'VS Code did not hand the document to extensions');
    // One report opened as a small document of its own gets the language features: the first
    // lockup of the second copy, whose line is found here by counting.
    const text = unit.repeat(copies);
    const bugLines = text.split('\n').flatMap((l, i) => (l.startsWith('BUG: soft lockup') ? [i] : []));
    const report = await until('the report as a document', async () =>
      vscode.commands.executeCommand<vscode.TextDocument | undefined>('xenscope.openReport', { uri: uri.toString(), index: perCopy }),
    );
    assert.equal(report.languageId, 'kernel-log');
    assert.equal(new URLSearchParams(report.uri.query).get('from'), String(bugLines[perCopy]));
    assert.ok(report.lineAt(0).text.startsWith('BUG: soft lockup'), report.lineAt(0).text);
    assert.match(await hoverText(report, 'hypercall_page+0x22a'), /__HYPERVISOR_xen_version/);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    // A restart drops the client's problems; the new server is asked again.
    await vscode.commands.executeCommand('xenscope.restartServer');
    await until('problems after a server restart', () => (vscode.languages.getDiagnostics(uri).length === perCopy * copies ? true : undefined), 90_000);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await until('problems cleared after closing', () => (vscode.languages.getDiagnostics(uri).length === 0 ? true : undefined));
  });
});
