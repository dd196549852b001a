/**
 * Where the engine may write a results/ file. The path must be one the engine writes
 * (cache-meta.ts resultsPathProblem), and no folder on the way may be a symbolic link that
 * leads out of the project: results/ linked to another disk would otherwise let a step, or
 * a restore from a crafted cache entry, write anywhere. Links that stay inside are fine.
 */
import fs from 'node:fs';
import path from 'node:path';
import { quotePath, resultsPathProblem, type Checked } from './cache-meta.js';

/** The absolute path to write `rel` (relative to `root`) at, or why the engine must not. */
export function resultsTarget(root: string, rel: string): Checked<string> {
  const bad = resultsPathProblem(rel);
  if (bad) return { ok: false, problem: `${quotePath(rel)} ${bad}` };
  let realRoot: string;
  try {
    realRoot = fs.realpathSync(root);
  } catch {
    realRoot = path.resolve(root);
  }
  const parts = rel.split('/');
  let cur = path.resolve(root);
  // Folder by folder: lstat sees a link itself, and the folders above it were checked already.
  for (let i = 0; i < parts.length; i++) {
    cur = path.join(cur, parts[i]!);
    const shown = parts.slice(0, i + 1).join('/');
    const st = fs.lstatSync(cur, { throwIfNoEntry: false });
    if (!st) break; // the rest is created below a checked folder
    const last = i === parts.length - 1;
    if (st.isSymbolicLink()) {
      if (last) break; // the file is replaced by a rename, which does not follow a link
      let real: string;
      try {
        real = fs.realpathSync(cur);
      } catch {
        return { ok: false, problem: `\`${shown}\` is a symbolic link to a folder that does not exist` };
      }
      if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
        return { ok: false, problem: `\`${shown}\` is a symbolic link to a folder outside the project (${real}); the engine does not write through it` };
      }
    } else if (last ? st.isDirectory() : !st.isDirectory()) {
      return { ok: false, problem: `\`${shown}\` is ${last ? 'a folder' : 'not a folder'}` };
    }
  }
  return { ok: true, value: path.resolve(root, rel) };
}
