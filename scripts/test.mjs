// `npm test`: every gate and test suite, in order, with the time each took and one closing
// count of the tests that ran. Steps after a failure still run (their results are worth seeing),
// except those that need the build when the build failed.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

const pkg = JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const STEPS = [
  { name: 'type check', script: 'check-types' },
  { name: 'lint', script: 'lint' },
  { name: 'unit tests', script: 'test:unit' },
  { name: 'build', script: 'build', gate: true },
  { name: 'LSP protocol tests', script: 'test:lsp', needsBuild: true },
  { name: 'grammar tests', script: 'test:grammar' },
  { name: 'integration tests (code-server)', script: 'test:integration', needsBuild: true },
].filter((step) => pkg.scripts[step.script]);

/** Counts from the runners' own summary lines: node:test, mocha-in-VS-Code, UI scenarios. */
function countTests(output) {
  let passed = 0;
  let failed = 0;
  for (const m of output.matchAll(/^# pass (\d+)$/gm)) passed += Number(m[1]);
  for (const m of output.matchAll(/^# fail (\d+)$/gm)) failed += Number(m[1]);
  for (const m of output.matchAll(/\[xenscope-integration\] (\d+) tests, (\d+) failed$/gm)) {
    passed += Number(m[1]) - Number(m[2]);
    failed += Number(m[2]);
  }
  for (const m of output.matchAll(/^\[integration\] ui scenarios: (\d+) passed, (\d+) failed$/gm)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  for (const m of output.matchAll(/^\[grammar\] (\d+) passed, (\d+) failed$/gm)) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  return { passed, failed };
}

function runScript(script) {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '-s', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      output += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const results = [];
let buildFailed = false;
const started = Date.now();
for (const step of STEPS) {
  if (step.needsBuild && buildFailed) {
    results.push({ ...step, status: 'skipped (build failed)', seconds: 0, counts: { passed: 0, failed: 0 } });
    continue;
  }
  console.log(`\n=== ${step.name} (npm run ${step.script})`);
  const t0 = Date.now();
  const { code, output } = await runScript(step.script);
  const seconds = (Date.now() - t0) / 1000;
  if (step.gate && code !== 0) buildFailed = true;
  results.push({ ...step, status: code === 0 ? 'ok' : `FAILED (exit ${code})`, seconds, counts: countTests(output) });
}

console.log('\n=== summary');
for (const r of results) {
  const counts = r.counts.passed + r.counts.failed > 0 ? `  ${r.counts.passed} passed, ${r.counts.failed} failed` : '';
  console.log(`${r.status.padEnd(22)} ${r.seconds.toFixed(1).padStart(6)} s  ${r.name}${counts}`);
}
const total = results.reduce((t, r) => ({ passed: t.passed + r.counts.passed, failed: t.failed + r.counts.failed }), { passed: 0, failed: 0 });
const ok = results.every((r) => r.status === 'ok');
console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed`);
process.exit(ok && total.failed === 0 && total.passed > 0 ? 0 : 1);
