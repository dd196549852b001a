/**
 * `agglo verify [--dry-run] [--json]`: re-hashes every cache object whatever the size/mtime
 * memo says, checks run records and pipeline states, and compares results/ files with their
 * cached copies (engine/cache-verify.ts says what is removed and what is kept). Exit 0 when
 * everything is sound, 1 when anything was found (even if removed). Holds gc's lock: it
 * removes cache entries, so it must not overlap a run (engine/lock.ts).
 */
import { verifyCache, type VerifyFinding, type VerifyReport } from '../cache-verify.js';
import { withGcLock } from '../lock.js';
import { EXIT_FAILED, EXIT_OK, openProject, type Io } from './common.js';

export interface VerifyFlags {
  readonly dryRun: boolean;
  readonly json: boolean;
}

export function verifyCommand(flags: VerifyFlags, io: Io): number {
  const project = openProject(io);
  const locked = withGcLock(project.root, () => verifyCache(project.store, project.root, { dryRun: flags.dryRun }));
  if (!locked.ok) {
    if (locked.reason === 'cannot-lock') io.err(`error: ${locked.problem}\n`);
    else io.err(`error: agglo run is in progress (pid ${locked.pids.join(', ')}); run verify when it has finished\n`);
    return EXIT_FAILED;
  }
  const report = locked.value;
  if (flags.json) io.out(JSON.stringify({ ok: report.findings.length === 0, dryRun: flags.dryRun, ...report }, null, 2) + '\n');
  else {
    for (const f of report.findings) io.out(findingLine(f, flags.dryRun) + '\n');
    io.out(summaryLine(report, flags.dryRun) + '\n');
  }
  return report.findings.length === 0 ? EXIT_OK : EXIT_FAILED;
}

/** `agglo run` of the pipeline, as the user would type it. */
function rerun(pipeline: string | undefined): string {
  return pipeline === undefined ? 'the next run of its pipeline' : `the next \`agglo run ${pipeline}\``;
}

function findingLine(f: VerifyFinding, dryRun: boolean): string {
  const fate = f.removed ? 'removed' : dryRun ? 'not removed (--dry-run)' : '';
  switch (f.kind) {
    case 'object':
      return `corrupt object ${f.name.slice(0, 12)}: ${f.problem}; ${fate}`;
    case 'record':
      return `damaged run record ${f.name.slice(0, 12)}: ${f.problem}; ${fate}`;
    case 'state':
      return `damaged pipeline state ${f.name}: ${f.problem}; kept, ${rerun(f.pipeline)} rewrites it (until then \`agglo gc\` deletes nothing)`;
    case 'stray':
      return `stray entry ${f.name}: it ${f.problem}; ${fate}${f.removed && f.problem.startsWith('is a symbolic link') ? ' (only the link)' : ''}`;
    case 'result':
      return f.problem.startsWith('cannot')
        ? `${f.name} ${f.problem}`
        : `${f.name} ${f.problem}; ${rerun(f.pipeline)} ${f.problem === 'is missing' ? 'restores' : 'rewrites'} it`;
  }
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

/** "verified 1,234 objects (56.7 MB), 40 run records, 3 pipeline states, 25 results files: …". */
function summaryLine(r: VerifyReport, dryRun: boolean): string {
  const head = `verified ${plural(r.objects, 'object')} (${(r.bytes / 1e6).toFixed(1)} MB), ${plural(r.records, 'run record')}, ${plural(r.states, 'pipeline state')}, ${plural(r.resultsFiles, 'results file')}`;
  const count = (kind: VerifyFinding['kind']) => r.findings.filter((f) => f.kind === kind).length;
  const gone = dryRun ? 'found (--dry-run: not removed)' : 'removed';
  const objects = count('object');
  const parts: string[] = [];
  if (objects) parts.push(`${plural(objects, 'corrupt object')} ${gone}${dryRun ? '' : ` (the stages that used ${objects === 1 ? 'it' : 'them'} will recompute on the next run)`}`);
  if (count('stray')) parts.push(`${plural(count('stray'), 'stray entry', 'stray entries')} ${gone}`);
  if (count('record')) parts.push(`${plural(count('record'), 'damaged run record')} ${gone}`);
  if (count('state')) parts.push(`${plural(count('state'), 'damaged pipeline state')} kept (the next run of its pipeline rewrites it)`);
  const results = count('result');
  if (results) parts.push(`${plural(results, 'results file')} missing or not as cached (the next run restores ${results === 1 ? 'it' : 'them'})`);
  return `${head}: ${parts.length ? parts.join('; ') : 'all sound'}`;
}
