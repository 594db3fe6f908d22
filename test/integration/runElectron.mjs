// The same integration suite in desktop VS Code, through @vscode/test-electron, for machines
// that can download VS Code from Microsoft's update service (this project's CI cannot: there
// `npm test` runs the suite in code-server instead). On Linux without a display, re-runs itself
// under xvfb-run (Debian package `xvfb`).
//   npm run test:electron                 latest stable VS Code
//   VSCODE_VERSION=1.100.3 npm run test:electron
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.XENSCOPE_UNDER_XVFB) {
  const result = spawnSync('xvfb-run', ['-a', process.execPath, fileURLToPath(import.meta.url)], {
    stdio: 'inherit',
    env: { ...process.env, XENSCOPE_UNDER_XVFB: '1' },
  });
  if (result.error) {
    console.error('test:electron needs a display or xvfb-run (Debian: apt-get install xvfb)');
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}

const build = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

const { runTests } = await import('@vscode/test-electron');
const version = process.env.VSCODE_VERSION || 'stable';
try {
  await runTests({
    version,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: path.join(REPO, 'out', 'test', 'integration', 'suite', 'index.js'),
    launchArgs: [path.join(REPO, 'samples'), '--disable-extensions'],
    extensionTestsEnv: version === 'stable' ? {} : { XENSCOPE_EXPECT_VSCODE: version },
  });
} catch (err) {
  console.error(`integration tests failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
