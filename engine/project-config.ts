/**
 * The project's own settings, `agglo.config.yaml` at the project root (optional). It holds
 * what a pipeline file may not grant itself because a pipeline may come from someone else
 * (docs/security.md): today, `allow_read`, the folders outside the project root that
 * pipelines may read from (data inputs, `file-path` params, `foreach` files, `extends`
 * bases and plugins).
 *
 *   allow_read:
 *     - /srv/data/nbs          # absolute, or relative to the project root
 *     - ../common-data
 *   executor:                  # where tasks run (docs/distributed.md)
 *     default: slurm           # what `agglo run` uses without --executor (local if left out)
 *     slurm: { partition: debug, max_jobs: 8 }   # engine/cluster/slurm-config.ts
 *
 * Writes are never allowed outside the project (results/ and cache/ only).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from './diagnostic.js';
import { parsePipelineText, readPipelineFile, toPlain } from './parse.js';
import { EXECUTORS, type ExecutorKind } from './cluster/executor-kind.js';
import { slurmSettings, type SettingProblem, type SlurmSettings } from './cluster/slurm-config.js';

export const PROJECT_CONFIG_FILE = 'agglo.config.yaml';
const MAX_CONFIG_BYTES = 64 * 1024;
const KEYS = ['allow_read', 'executor'] as const;
const EXECUTOR_KEYS = ['default', 'slurm'] as const;

export interface ProjectConfig {
  /** Absolute folders outside the root that may be read (as written, and their real paths). */
  readonly allowRead: readonly string[];
  /** The executor `agglo run` uses without --executor. */
  readonly executor: ExecutorKind;
  /** The SLURM executor's settings, defaults filled in. */
  readonly slurm: SlurmSettings;
  readonly diagnostics: readonly Diagnostic[];
  /** The file's text, for printing its diagnostics. */
  readonly text?: string;
}

const memo = new Map<string, { stamp: string; config: ProjectConfig }>();

/**
 * The settings of the project at `root` (re-read when the file changes, so `agglo watch`
 * sees an edit). A broken file grants nothing and comes back with located diagnostics.
 */
export function projectConfig(root: string): ProjectConfig {
  const file = path.join(root, PROJECT_CONFIG_FILE);
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st) return { allowRead: [], executor: 'local', slurm: slurmSettings(root, undefined, []), diagnostics: [] };
  const stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
  const hit = memo.get(root);
  if (hit?.stamp === stamp) return hit.config;
  const config = readConfig(root, file);
  memo.set(root, { stamp, config });
  return config;
}

function readConfig(root: string, file: string): ProjectConfig {
  const none = (diagnostics: Diagnostic[], text?: string): ProjectConfig => ({ allowRead: [], executor: 'local', slurm: slurmSettings(root, undefined, []), diagnostics, ...(text !== undefined ? { text } : {}) });
  const display = PROJECT_CONFIG_FILE;
  const at1 = { file: display, line: 1, col: 1, endLine: 1, endCol: 1 };
  const read = readPipelineFile(file, MAX_CONFIG_BYTES);
  if (!('text' in read)) {
    return none([{ ...at1, severity: 'error', code: read.reason, message: `project settings file \`${display}\` ${read.message.replace('pipeline file', 'settings file')}` }]);
  }
  const { parsed, diagnostics } = parsePipelineText(read.text, file, display);
  const text = read.text;
  if (!parsed) return none(diagnostics, text);
  const errors: Diagnostic[] = [...diagnostics];
  const error = (where: readonly (string | number)[], code: string, message: string, hint: string) =>
    errors.push({ ...parsed.locateNearest(where), severity: 'error', code, message, hint });
  const data = toPlain(parsed);
  if (data === null || data === undefined) return none(errors, text);
  if (typeof data !== 'object' || Array.isArray(data)) {
    error([], 'bad-settings', `\`${display}\` must be a map of settings`, `known settings: ${KEYS.join(', ')}`);
    return none(errors, text);
  }
  const obj = data as Record<string, unknown>;
  for (const k of Object.keys(obj)) {
    if (!(KEYS as readonly string[]).includes(k)) {
      errors.push({ ...(parsed.locateKey([k]) ?? parsed.locateNearest([k])), severity: 'error', code: 'unknown-key', message: `unknown setting \`${k}\` in \`${display}\``, hint: `known settings: ${KEYS.join(', ')}` });
    }
  }
  const allowRead: string[] = [];
  const list = obj.allow_read;
  if (list !== undefined && list !== null) {
    if (!Array.isArray(list)) {
      error(['allow_read'], 'bad-settings', '`allow_read` must be a list of folders', 'write one folder per line: `- /srv/data/nbs`');
    } else {
      list.forEach((entry, i) => {
        if (typeof entry !== 'string' || entry.trim() === '') {
          error(['allow_read', i], 'bad-settings', '`allow_read` entries must be folder paths', 'an absolute path or one relative to the project root');
          return;
        }
        const abs = path.resolve(root, entry);
        if (!fs.statSync(abs, { throwIfNoEntry: false })?.isDirectory()) {
          error(['allow_read', i], 'bad-settings', `\`allow_read\` folder \`${entry}\` does not exist or is not a folder`, 'name a folder; files inside it (and below) become readable');
          return;
        }
        allowRead.push(abs, fs.realpathSync(abs));
      });
    }
  }
  const { executor, slurm } = executorSettings(root, obj.executor, (where, code, message, hint) =>
    errors.push({ ...((code === 'unknown-key' ? parsed.locateKey(where) : undefined) ?? parsed.locateNearest(where)), severity: 'error', code, message, hint }));
  return { allowRead: errors.length ? [] : [...new Set(allowRead)], executor, slurm, diagnostics: errors, text };
}

/** The `executor:` block: the default executor and the SLURM settings, problems reported at their line. */
function executorSettings(root: string, raw: unknown, error: (where: (string | number)[], code: string, message: string, hint: string) => void): { executor: ExecutorKind; slurm: SlurmSettings } {
  const block = (typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? raw : {}) as Record<string, unknown>;
  if (raw !== undefined && raw !== null && block !== raw) error(['executor'], 'bad-settings', '`executor` must be a map: `default` and `slurm`', 'e.g. `executor: { default: slurm, slurm: { partition: debug } }`');
  for (const k of Object.keys(block)) {
    if (!(EXECUTOR_KEYS as readonly string[]).includes(k)) error(['executor', k], 'unknown-key', `unknown setting \`executor.${k}\``, `settings of \`executor\`: ${EXECUTOR_KEYS.join(', ')}`);
  }
  let executor: ExecutorKind = 'local';
  if (block.default !== undefined) {
    if ((EXECUTORS as readonly unknown[]).includes(block.default)) executor = block.default as ExecutorKind;
    else error(['executor', 'default'], 'bad-settings', `\`executor.default\` must be one of ${EXECUTORS.join(', ')}`, 'local runs tasks on this machine; slurm sends them to a SLURM cluster (docs/distributed.md)');
  }
  const problems: SettingProblem[] = [];
  const slurm = slurmSettings(root, block.slurm, problems);
  for (const p of problems) {
    const where = ['executor', 'slurm', ...(p.key ? [p.key] : [])];
    error(where, p.message.startsWith('unknown') ? 'unknown-key' : 'bad-settings', p.message, p.hint);
  }
  return { executor, slurm };
}
