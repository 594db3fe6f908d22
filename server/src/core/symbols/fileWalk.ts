// Lists the files of a tree that a predicate accepts (module directories, source trees).
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface WalkOptions {
  /** Directory names not entered (e.g. `.git`). */
  skipDirs?: ReadonlySet<string>;
  /** How deep to go below the root. */
  maxDepth?: number;
  /** Directory entries looked at before giving up (a bound for walks of arbitrary trees). */
  maxEntries?: number;
}

/** Paths of the files below `root` whose name `accept` takes; unreadable directories are skipped. */
export async function findFiles(root: string, accept: (name: string) => boolean, options: WalkOptions = {}): Promise<string[]> {
  const out: string[] = [];
  const maxDepth = options.maxDepth ?? 64;
  let budget = options.maxEntries ?? Infinity;
  const walk = async (dir: string, depth: number): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (--budget < 0) return;
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (depth < maxDepth && !options.skipDirs?.has(e.name)) await walk(p, depth + 1);
      } else if (e.isFile() && accept(e.name)) {
        out.push(p);
      }
    }
  };
  await walk(root, 0);
  return out;
}
