// Builds the DWARF fixture (test/fixtures/oops/dwarf) with gcc -g and writes a one-frame lockup
// log whose frame is the return address after `call do_work` inside softlockup_tick, as a real
// kernel would print it. Expected source line: the `@tick-calls-work` marker in kernel.c.
// Independent tools only: nm -n for the symbol and its kernel-style size, objdump for the call.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface DwarfFixture {
  vmlinux: string;
  kernelC: string;
  logFile: string;
  logText: string;
  /** 0-based line of the frame in the log, and its column on the symbol. */
  frameLine: number;
  frameColumn: number;
  /** 0-based line in kernel.c that the frame's call is on. */
  expectedLine: number;
}

export function missingTools(): string[] {
  return ['gcc', 'objdump', 'nm'].filter((tool) => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

export function buildDwarfFixture(repoRoot: string, work: string): DwarfFixture {
  const dwarfDir = path.join(repoRoot, 'test', 'fixtures', 'oops', 'dwarf');
  const kernelC = path.join(dwarfDir, 'kernel.c');
  const vmlinux = path.join(work, 'vmlinux');
  execFileSync('sh', [path.join(dwarfDir, 'build.sh'), work]);
  const nm = execFileSync('nm', ['-n', '--defined-only', vmlinux], { encoding: 'utf8' });
  const m = /^([0-9a-f]+) T softlockup_tick$/m.exec(nm);
  assert.ok(m, 'nm lists softlockup_tick');
  const start = BigInt('0x' + m[1]);
  // The kernel prints the distance to the next symbol as the size (kallsyms' get_symbol_pos).
  const next = nm.split('\n').map((l) => BigInt('0x' + (l.split(' ')[0] || '0'))).find((a) => a > start);
  assert.ok(next !== undefined);
  const size = Number(next - start);
  const asm = execFileSync('objdump', ['-d', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${next.toString(16)}`, vmlinux], { encoding: 'utf8' });
  const lines = asm.split('\n').filter((l) => /^\s+[0-9a-f]+:/.test(l));
  const call = lines.findIndex((l) => /call.*<do_work>/.test(l));
  assert.ok(call >= 0 && call + 1 < lines.length, 'softlockup_tick calls do_work');
  const ret = BigInt('0x' + /^\s+([0-9a-f]+):/.exec(lines[call + 1])![1]);
  const frame = ` [<${ret.toString(16).padStart(16, '0')}>] softlockup_tick+0x${(ret - start).toString(16)}/0x${size.toString(16)}`;
  const logText = ['BUG: soft lockup - CPU#0 stuck for 23s! [kworker/0:1:42]', 'Call Trace:', frame, ''].join('\n');
  const logFile = path.join(work, 'lockup.oops');
  fs.writeFileSync(logFile, logText);
  const expectedLine = fs.readFileSync(kernelC, 'utf8').split('\n').findIndex((l) => l.includes('@tick-calls-work'));
  assert.ok(expectedLine > 0);
  return { vmlinux, kernelC, logFile, logText, frameLine: 2, frameColumn: frame.indexOf('softlockup_tick') + 4, expectedLine };
}
