// VS Code picks a language for an unnamed or unknown file from `firstLine` (a JavaScript
// regular expression tested against the first line). Checked here against real first lines.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from './grammarHost';

interface LanguageContribution {
  id: string;
  firstLine?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
  contributes: { languages: LanguageContribution[] };
};

function firstLineOf(id: string): RegExp {
  const language = manifest.contributes.languages.find((l) => l.id === id);
  assert.ok(language?.firstLine, `language ${id} has a firstLine`);
  return new RegExp(language.firstLine);
}

// First lines of real logs: fixtures xen-4.17-qemu-dom0-6.1.0-56-sysrq.txt,
// extendedfi-jmr540-kmsg-arm32-3.18.txt, syzkaller-report-538.txt, abrt-examples-oops8_ppc64.txt,
// xen-4.17-qemu-xl-dmesg-debugkeys.txt and xen-commit-282fa3fdb6-arm64-2025.txt.
const KERNEL_FIRST_LINES = [
  '[    0.000000] Linux version 6.1.0-56-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 SMP PREEMPT_DYNAMIC Debian 6.1.192-2 (2026-11-16)',
  '<6>[    0.000000] Booting Linux on physical CPU 0x0',
  '[  516.671899][    C1] watchdog: BUG: soft lockup - CPU#1 stuck for 134s! [syz-executor.3:16401]',
  '[ 104.630158] ------------[ cut here ]------------',
  '(XEN) Xen version 4.17.7 (Debian 4.17.7+13-g2445b30a44-0+deb12u1) (pkg-xen-devel@lists.alioth.debian.org) (x86_64-linux-gnu-gcc (Debian 12.2.0-14+deb12u1) 12.2.0) debug=n Wed Nov  4 16:52:28 UTC 2026',
  '(XEN) [  315.807606] Error bringing CPU1 up: -16',
];

// xentrace_format lines quoted in xentrace-format.md §4.1 (a local run and a 2014 blog post).
const XENTRACE_FIRST_LINES = [
  'CPU0  0 (+       0)  cpu_change        0x00000000',
  'CPU0  50475882825885 (+       0)  do_block          [ dom:vcpu = 0x00000002 ]',
  'CPU0 931534214445874 (+ 1844) hypercall [ eip = 0xc1002227, eax = 0x00000011 ]',
  'CPU3  9981342051329 (+ )  rtds:schedule     [ dom:vcpu = 0x00020002 ]',
];

// Text that is neither: prose, a C file, a syslog line without kernel time, a JSON file.
const OTHER_FIRST_LINES = [
  'Hello, world',
  '#include <stdio.h>',
  'Aug 29 09:51:01 blizard kernel: Unable to handle kernel paging request at virtual address f15e97cc',
  '{ "name": "xenscope" }',
  'CPU: 1 PID: 16401 Comm: syz-executor.3 Not tainted 5.10.0-rc6-syzkaller #0',
];

describe('firstLine language detection', () => {
  const kernel = firstLineOf('kernel-log');
  const xentrace = firstLineOf('xentrace');

  it('recognises printk-timestamped and (XEN) logs as kernel-log only', () => {
    for (const line of KERNEL_FIRST_LINES) {
      assert.match(line, kernel);
      assert.doesNotMatch(line, xentrace);
    }
  });

  it('recognises xentrace_format output as xentrace only', () => {
    for (const line of XENTRACE_FIRST_LINES) {
      assert.match(line, xentrace);
      assert.doesNotMatch(line, kernel);
    }
  });

  it('leaves other text alone', () => {
    for (const line of OTHER_FIRST_LINES) {
      assert.doesNotMatch(line, kernel);
      assert.doesNotMatch(line, xentrace);
    }
  });
});
