// Checks a packaged .vsix against the allow-list: only what the installed extension needs.
import * as fs from 'node:fs';

const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/license(\.txt|\.md)?$/i,
  /^extension\/dist\/(extension|server|cli)\.js$/,
  /^extension\/dist\/webview\/[\w.-]+\.(js|css)$/,
  /^extension\/syntaxes\/[\w.-]+\.json$/,
  /^extension\/media\/[\w./-]+$/,
];
const REQUIRED = ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/cli.js'];

/** Names of the entries in a zip file, read from its central directory. */
export function zipEntries(file) {
  const buf = fs.readFileSync(file);
  // End of central directory record: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file}: not a zip file (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry at byte ${p}`);
    const nameLength = buf.readUInt16LE(p + 28);
    const extraLength = buf.readUInt16LE(p + 30);
    const commentLength = buf.readUInt16LE(p + 32);
    names.push(buf.toString('utf8', p + 46, p + 46 + nameLength));
    p += 46 + nameLength + extraLength + commentLength;
  }
  return names;
}

export function checkVsix(file) {
  const names = zipEntries(file);
  const stray = names.filter((n) => !ALLOWED.some((re) => re.test(n)));
  if (stray.length > 0) throw new Error(`${file} contains files outside the allow-list:\n  ${stray.join('\n  ')}`);
  const missing = REQUIRED.filter((n) => !names.includes(n));
  if (missing.length > 0) throw new Error(`${file} lacks ${missing.join(', ')}`);
  return names;
}
