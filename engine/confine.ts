/**
 * Confinement of the files a pipeline names to the project root (the folder agglo runs in):
 * data files, `file-path` params, `foreach` files and `extends` bases are read only inside
 * it (docs/pipeline-reference.md, "Limits"). Checked by name first (`..` out of the root, an
 * absolute path elsewhere), then through symbolic links, comparing real paths (the root itself
 * may sit behind a link).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ValuePath } from './interpolate.js';
import { PROJECT_CONFIG_FILE, projectConfig } from './project-config.js';
import type { ValidationContext } from './validate-stages.js';

/** True when `rel` (from path.relative) leaves the folder it is relative to. */
export function leaves(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
}

/**
 * Why `abs` may not be read, or undefined when it lies inside `root` or inside a folder the
 * project's settings allow (`allow_read` in agglo.config.yaml). A file that does not exist is
 * left to the caller, which reports it.
 */
export function outsideRoot(abs: string, root: string): string | undefined {
  const allowed = projectConfig(root).allowRead;
  const within = (p: string, dirs: readonly string[]) => dirs.some((d) => isInside(d, p));
  if (leaves(path.relative(root, abs)) && !within(abs, allowed)) return 'is outside the project root';
  let real: string;
  let realRoot: string;
  try {
    real = fs.realpathSync(abs);
    realRoot = fs.realpathSync(root);
  } catch {
    return undefined;
  }
  return isInside(realRoot, real) || within(real, allowed) ? undefined : 'leads through a symbolic link to a file outside the project root';
}

/** Whether `p` is `dir` or lies below it (both absolute; compare real paths to see through links). */
export function isInside(dir: string, p: string): boolean {
  return !leaves(path.relative(dir, p));
}

/** The hint of every outside-root diagnostic. */
export const OUTSIDE_ROOT_HINT = `a pipeline reads only files inside the project root (the folder agglo runs in); copy the file into the project, or let the project read that folder with \`allow_read\` in ${PROJECT_CONFIG_FILE} (docs/security.md)`;

/**
 * A file the pipeline names (a data input, a `file-path` param, a `foreach` file) must be
 * inside the project root (`outside-root`) and exist (`missing-file`; unless `mayBeAbsent`: an
 * `optional-file-path` param); `subject` starts the
 * message ("input `x` of stage `s` names file `f`, which"). False when it was reported.
 */
export function checkProjectFile(ctx: ValidationContext, rel: string, subject: string, at: ValuePath, mayBeAbsent = false): boolean {
  const abs = path.resolve(ctx.opts.root, rel);
  const why = outsideRoot(abs, ctx.opts.root);
  if (why) {
    ctx.report.error('outside-root', `${subject} ${why}`, ctx.parsed.locateNearest(at), { hint: OUTSIDE_ROOT_HINT });
    return false;
  }
  if (!mayBeAbsent && !ctx.opts.fileExists(abs)) {
    ctx.report.error('missing-file', `${subject} does not exist`, ctx.parsed.locateNearest(at), { hint: 'paths are relative to the project root (the folder agglo runs in)' });
    return false;
  }
  return true;
}
