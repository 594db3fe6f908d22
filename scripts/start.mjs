// `npm start`: builds and packages the extension, starts a real VS Code in the browser
// (code-server on 127.0.0.1) with the .vsix installed and samples/ open, and prints the URL.
// Ctrl+C stops it. XENSCOPE_PORT picks the port (default 8080, or a free one if taken).
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer, VSCODE_VERSION } from './provision.mjs';
import { freePort, installVsix, makeProfile, startCodeServer, writeUserSettings } from '../test/integration/codeServer.mjs';
import * as net from 'node:net';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

const pack = spawnSync('npm', ['run', '-s', 'package'], { cwd: REPO, stdio: 'inherit' });
if (pack.status !== 0) process.exit(1);
ensureCodeServer();

const profile = makeProfile('xenscope-start-');
writeUserSettings(profile);
installVsix(profile, path.join(REPO, 'xenscope.vsix'));
const wanted = Number(process.env.XENSCOPE_PORT || 8080);
const port = (await portIsFree(wanted)) ? wanted : await freePort();
const workspace = path.join(REPO, 'samples');
const server = await startCodeServer({ profile, workspace, port, detached: false });
const url = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
console.log(`\nXenScope is running in VS Code ${VSCODE_VERSION} (code-server) with samples/ open:\n\n    ${url}\n`);
console.log('Open a .console file and hover a frame such as hypercall_page+0x22a/0x1000. Ctrl+C stops.');
const stop = () => {
  server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
process.on('exit', () => server.stop());
server.child.on('exit', (code) => {
  console.error(`code-server exited (${code})`);
  process.exit(1);
});
