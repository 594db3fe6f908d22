// Starts a real VS Code (code-server, provisioned by scripts/provision.mjs) on loopback and
// drives it with Debian's Chromium through playwright-core. Used by the integration tests
// (runCodeServer.mjs) and by `npm start`.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { CHROMIUM, codeServerEntry } from '../../scripts/provision.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A private profile: user data, extensions and config inside one temporary folder. */
export function makeProfile(prefix = 'xenscope-cs-') {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const profile = {
    root,
    userDataDir: path.join(root, 'user-data'),
    extensionsDir: path.join(root, 'extensions'),
    config: path.join(root, 'config.yaml'),
  };
  fs.mkdirSync(path.join(profile.userDataDir, 'User'), { recursive: true });
  fs.mkdirSync(profile.extensionsDir, { recursive: true });
  fs.writeFileSync(profile.config, 'auth: none\ncert: false\n');
  return profile;
}

/** User settings every session starts with: no welcome page, no prompt about the parent git repository. */
export const BASE_SETTINGS = { 'workbench.startupEditor': 'none', 'git.openRepositoryInParentFolders': 'never' };

/** Writes the profile's user settings.json: BASE_SETTINGS plus `settings` (e.g. a colour theme). */
export function writeUserSettings(profile, settings = {}) {
  fs.writeFileSync(path.join(profile.userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...settings }, null, 2));
}

function codeServerArgs(profile) {
  return [codeServerEntry(), '--config', profile.config, '--user-data-dir', profile.userDataDir, '--extensions-dir', profile.extensionsDir];
}

/** Installs a .vsix into the profile with code-server's own CLI (tests the packaged artefact). */
export function installVsix(profile, vsix) {
  const result = spawnSync(process.execPath, [...codeServerArgs(profile), '--install-extension', vsix, '--force'], {
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`installing ${vsix} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/**
 * Starts code-server on 127.0.0.1 and resolves once it answers HTTP. By default it runs in its
 * own process group, because killing only its main process would leave its children running;
 * `npm start` keeps it in the terminal's group instead so that Ctrl+C reaches all of them.
 */
export async function startCodeServer({ profile, workspace, port, log = () => {}, detached = true }) {
  port ??= await freePort();
  const args = [
    ...codeServerArgs(profile),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    workspace,
  ];
  const child = spawn(process.execPath, args, {
    detached,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profile.root, 'xdg-config'), XDG_DATA_HOME: path.join(profile.root, 'xdg-data') },
  });
  let output = '';
  const onData = (chunk) => {
    output += chunk.toString();
    log(chunk.toString());
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode}:\n${output}`);
    try {
      const response = await fetch(`${url}/healthz`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stopProcessGroup(child);
      throw new Error(`code-server did not answer on ${url} within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { child, port, url, output: () => output, stop: () => (detached ? stopProcessGroup(child) : child.kill('SIGTERM')) };
}

export function stopProcessGroup(child) {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** Launches headless Debian Chromium under playwright-core (no browser download). */
export async function launchBrowser({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless, args: CHROMIUM_ARGS });
}

/** The workbench URL with a folder, and optionally the test-run payload. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const params = new URLSearchParams({ folder });
  if (extensionDevelopmentPath) {
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
    if (extensionTestsPath) payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
    params.set('payload', JSON.stringify(payload));
  }
  return `${server.url}/?${params.toString()}`;
}
