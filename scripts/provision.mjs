// Provisions what the integration tests and `npm start` need, offline (npm registry and
// Debian packages only): code-server 4.100.3 with its native modules built from source, and
// Debian's Chromium for Playwright. code-server is cached by version under
// $XDG_CACHE_HOME/xenscope (default ~/.cache/xenscope), outside node_modules so `npm ci` keeps it.
//
// Usage: node scripts/provision.mjs [--no-browser]   (prints the code-server entry point)
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';
export const CHROMIUM = '/usr/bin/chromium';

// Debian packages: the browser, and what code-server's native modules build against.
const BROWSER_PACKAGES = ['chromium'];
const BUILD_PACKAGES = ['build-essential', 'python3', 'pkg-config', 'libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'ripgrep'];
// Files whose absence means the package is missing (dpkg -s is slower and needs no guessing, but
// a header check also catches a package removed by hand).
const PACKAGE_PROBES = {
  chromium: CHROMIUM,
  'build-essential': '/usr/bin/g++',
  python3: '/usr/bin/python3',
  'pkg-config': '/usr/bin/pkg-config',
  'libkrb5-dev': '/usr/include/gssapi/gssapi.h',
  'libx11-dev': '/usr/include/X11/Xlib.h',
  'libxkbfile-dev': '/usr/include/X11/extensions/XKBfile.h',
  'libsecret-1-dev': '/usr/include/libsecret-1/libsecret/secret.h',
  ripgrep: '/usr/bin/rg',
};

const NATIVE_MODULES = ['@parcel/watcher', '@vscode/spdlog', 'kerberos', 'native-watchdog', 'node-pty', '@vscode/deviceid'];

function log(message) {
  process.stderr.write(`[provision] ${message}\n`);
}

export function cacheRoot() {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'xenscope');
}

export function codeServerDir() {
  return path.join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

/** The JS entry of the provisioned code-server (run it with this Node). */
export function codeServerEntry() {
  return path.join(codeServerDir(), 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

function run(cmd, args, options = {}) {
  log(`$ ${cmd} ${args.join(' ')}${options.cwd ? `   (in ${options.cwd})` : ''}`);
  const result = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...options });
  if (result.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`);
  }
}

/** Installs missing Debian packages when root; otherwise throws naming them. */
export function ensureDebianPackages(packages) {
  const missing = packages.filter((p) => !fs.existsSync(PACKAGE_PROBES[p]));
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    throw new Error(
      `missing Debian packages: ${missing.join(' ')}\n` +
        `install them with: sudo apt-get install -y ${missing.join(' ')}`,
    );
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update'], { env });
  run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

/**
 * npm >= 11.19 runs no dependency install script unless the project allows it by name (and
 * refuses --allow-scripts on the command line for project installs); older npm ignores this.
 */
function allowInstallScripts(projectDir, packages) {
  fs.appendFileSync(path.join(projectDir, '.npmrc'), packages.map((p) => `allow-scripts[]=${p}\n`).join(''));
}

/** Installs code-server into the cache unless a complete copy is there; returns its entry. */
export function ensureCodeServer() {
  const dir = codeServerDir();
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker) && fs.existsSync(codeServerEntry())) return codeServerEntry();

  ensureDebianPackages(BUILD_PACKAGES);
  const started = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, once per version)`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'xenscope-code-server', private: true }));
  const env = {
    ...process.env,
    npm_config_yes: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
  // Its postinstall refuses to run as root and would download; we do its steps by hand.
  run('npm', ['install', '--no-save', '--ignore-scripts', `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, env });

  const vscodeDir = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-save'], { cwd: vscodeDir, env });
  // @vscode/ripgrep's own postinstall downloads rg from GitHub; use Debian's.
  const rgBin = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  fs.mkdirSync(rgBin, { recursive: true });
  fs.copyFileSync('/usr/bin/rg', path.join(rgBin, 'rg'));
  fs.chmodSync(path.join(rgBin, 'rg'), 0o755);
  allowInstallScripts(vscodeDir, NATIVE_MODULES);
  run('npm', ['rebuild', ...NATIVE_MODULES], { cwd: vscodeDir, env });
  const asar = path.join(vscodeDir, 'node_modules.asar');
  if (!fs.existsSync(asar)) fs.symlinkSync('node_modules', asar);
  run('npm', ['install', '--omit=dev', '--ignore-scripts', '--no-save'], { cwd: path.join(vscodeDir, 'extensions'), env });
  // argon2 is hoisted to the top of the install.
  allowInstallScripts(dir, ['argon2']);
  run('npm', ['rebuild', 'argon2'], { cwd: dir, env });

  // --version would write ~/.config/code-server/config.yaml; keep the user's home untouched.
  const configHome = fs.mkdtempSync(path.join(os.tmpdir(), 'xenscope-cs-config-'));
  const version = execFileSync(process.execPath, [codeServerEntry(), '--version'], {
    encoding: 'utf8',
    env: { ...process.env, XDG_CONFIG_HOME: configHome },
  });
  fs.rmSync(configHome, { recursive: true, force: true });
  if (!version.includes(VSCODE_VERSION)) throw new Error(`unexpected code-server version: ${version}`);
  fs.writeFileSync(marker, `${version.trim()}\n`);
  log(`code-server ready in ${((Date.now() - started) / 1000).toFixed(0)} s: ${version.trim().split('\n')[0]}`);
  return codeServerEntry();
}

export function ensureBrowser() {
  ensureDebianPackages(BROWSER_PACKAGES);
  return CHROMIUM;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const entry = ensureCodeServer();
    if (!process.argv.includes('--no-browser')) ensureBrowser();
    console.log(entry);
  } catch (err) {
    log(`error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
