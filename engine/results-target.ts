/**
 * Where the engine may write a results/ file. The path must be one the engine writes
 * (cache-meta.ts resultsPathProblem), results/ itself may be a symbolic link only to a
 * folder inside the project (not the project folder itself), and the folder the file goes into must really be under
 * results/: a link below results/ (to data/, say) is never written through, or a step, or
 * a restore from a crafted cache entry, could overwrite an input file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { quotePath, resultsPathProblem, type Checked } from './cache-meta.js';
import { isInside } from './confine.js';

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
  let realResults: string | undefined;
  // Folder by folder: lstat sees a link itself, and the folders above it were checked already.
  for (let i = 0; i < parts.length; i++) {
    cur = path.join(cur, parts[i]!);
    const shown = parts.slice(0, i + 1).join('/');
    const st = fs.lstatSync(cur, { throwIfNoEntry: false });
    if (!st) break; // the rest is created below a checked folder
    const last = i === parts.length - 1;
    if (last) {
      // The file is replaced by a rename, which does not follow a link.
      if (!st.isSymbolicLink() && st.isDirectory()) return { ok: false, problem: `\`${shown}\` is a folder` };
      break;
    }
    if (!st.isSymbolicLink()) {
      // A real folder below checked folders is where they are.
      if (!st.isDirectory()) return { ok: false, problem: `\`${shown}\` is not a folder` };
      if (i === 0) realResults = path.join(realRoot, parts[0]!);
      continue;
    }
    let real: string;
    try {
      real = fs.realpathSync(cur);
    } catch {
      return { ok: false, problem: `\`${shown}\` is a symbolic link to a folder that does not exist` };
    }
    if (!fs.statSync(real, { throwIfNoEntry: false })?.isDirectory()) return { ok: false, problem: `\`${shown}\` is not a folder` };
    if (i === 0) {
      // results/ itself: a link is fine as long as it stays in the project.
      if (!isInside(realRoot, real)) {
        return { ok: false, problem: `\`${shown}\` is a symbolic link to a folder outside the project (${real}); the engine does not write through it` };
      }
      if (real === realRoot) return { ok: false, problem: `\`${shown}\` is a symbolic link to the project folder itself; the engine does not write through it` };
      realResults = real;
    } else if (!isInside(realResults!, real)) {
      const where = isInside(realRoot, real) ? 'results/' : 'the project';
      return { ok: false, problem: `\`${shown}\` is a symbolic link to a folder outside ${where} (${real}); the engine does not write through it` };
    }
  }
  return { ok: true, value: path.resolve(root, rel) };
}
