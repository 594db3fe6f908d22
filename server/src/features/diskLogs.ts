// Logs too large for VS Code to hand to extensions (over 50 MB) never arrive as documents. The
// server reads such a log from disk and publishes its problems, so the Problems list and the
// editor's squiggles still lead to every report; hover and outline need the document itself.
import { constants } from 'node:buffer';
import { promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The text of a `file:` URI, or why it cannot be had. */
export async function readDiskLog(uri: string): Promise<{ text: string } | { error: string }> {
  if (!uri.startsWith('file:')) return { error: `${uri} is not a file on disk` };
  const file = fileURLToPath(uri);
  try {
    const { size } = await fs.stat(file);
    // A UTF-8 file of this many bytes may hold as many characters: refuse before reading.
    if (size > constants.MAX_STRING_LENGTH)
      return { error: `${file} is ${size} bytes, more than the ${constants.MAX_STRING_LENGTH} characters a string can hold here: use \`xenscope oops parse\`` };
    return { text: (await fs.readFile(file)).toString('utf8') };
  } catch (e) {
    return { error: `cannot read ${file}: ${(e as Error).message}` };
  }
}
