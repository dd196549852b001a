/**
 * Confinement of the files a pipeline names to the project root (the folder agglo runs in):
 * data files, `file-path` params, `foreach` files and `extends` bases are read only inside
 * it (docs/pipeline-reference.md, "Limits"). Checked by name first (`..` out of the root, an
 * absolute path elsewhere), then through symbolic links, comparing real paths (the root itself
 * may sit behind a link).
 */
import fs from 'node:fs';
import path from 'node:path';

/** True when `rel` (from path.relative) leaves the folder it is relative to. */
export function leaves(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/**
 * Why `abs` may not be read, or undefined when it lies inside `root`. A file that does not
 * exist is left to the caller, which reports it.
 */
export function outsideRoot(abs: string, root: string): string | undefined {
  if (leaves(path.relative(root, abs))) return 'is outside the project root';
  let real: string;
  let realRoot: string;
  try {
    real = fs.realpathSync(abs);
    realRoot = fs.realpathSync(root);
  } catch {
    return undefined;
  }
  return leaves(path.relative(realRoot, real)) ? 'leads through a symbolic link to a file outside the project root' : undefined;
}

/** The hint of every outside-root diagnostic. */
export const OUTSIDE_ROOT_HINT = 'a pipeline reads only files inside the project root (the folder agglo runs in); copy the file into the project';
