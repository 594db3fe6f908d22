// The integration suite's entry: the `run()` contract of @vscode/test-electron, so the same
// mocha suite runs in desktop VS Code (runElectron.mjs) and in code-server (runCodeServer.mjs).
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false });
  // The tests are bundled into this file, so mocha's globals are set up before loading them.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  await import('./hover.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  console.log(`[xenscope-integration] ${mocha.suite.total()} tests, ${failures} failed`);
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
