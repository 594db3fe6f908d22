import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { activateXenScope, hoverText, openSample } from './helpers';

suite('kernel-log hover in a real VS Code', () => {
  suiteSetup(activateXenScope);

  test('runs in the VS Code the harness promised', () => {
    const expected = process.env.XENSCOPE_EXPECT_VSCODE;
    console.log(`[xenscope-integration] VS Code ${vscode.version}`);
    if (expected) assert.equal(vscode.version, expected);
  });

  test('a .console file opens as kernel-log', async () => {
    const editor = await openSample('xen-domU-softlockup.console');
    assert.equal(editor.document.languageId, 'kernel-log');
  });

  test('hover on hypercall_page+0x22a names xen_version', async () => {
    const editor = await openSample('xen-domU-softlockup.console');
    const text = await hoverText(editor.document, 'hypercall_page+0x22a/0x1000');
    assert.match(text, /stub 17\b/);
    assert.match(text, /__HYPERVISOR_xen_version/);
  });

  test('hover on hypercall_page+0x3aa names sched_op', async () => {
    const editor = await openSample('xen-domU-softlockup.console');
    assert.match(await hoverText(editor.document, 'hypercall_page+0x3aa/0x1000'), /__HYPERVISOR_sched_op/);
  });
});
