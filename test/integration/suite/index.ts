// The integration suite's entry: the `run()` contract of @vscode/test-electron, so the same
// mocha suite runs in desktop VS Code (runElectron.mjs) and in code-server (runCodeServer.mjs).
import Mocha from 'mocha';
import { format } from 'node:util';

export async function run(): Promise<void> {
  // Format reporter lines here: the web workbench forwards console arguments unformatted.
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => console.log(format(...args));
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false });
  // The tests are bundled into this file, so mocha's globals are set up before loading them.
  mocha.suite.emit('pre-require', globalThis, 'bundle', mocha);
  await import('./hover.test');
  await import('./features.test');
  await import('./traceViewer.test');
  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  console.log(`[xenscope-integration] ${mocha.suite.total()} tests, ${failures} failed`);
  if (failures > 0) throw new Error(`${failures} integration test(s) failed`);
}
