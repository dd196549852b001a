/**
 * `agglo` command line. Exit codes: 0 ok, 1 a stage failed, 2 invalid pipeline or usage.
 * User mistakes never print a stack trace; a crash inside agglo itself does (it is a bug).
 */
import { parseArgs } from 'node:util';
import type { Io } from './commands/common.js';
import { EXECUTORS, type ExecutorKind } from './cluster/executor-kind.js';
import { didYouMean } from './suggest.js';
import { AGGLO_VERSION } from './version.js';

// Commands and the engine are imported when a command needs them (the engine takes about
// 0.2 s to load): `agglo --version` loads only this file and version.ts.
type Common = typeof import('./commands/common.js');

/** The commands, for "did you mean" (keep in step with the switch in dispatch). */
const COMMANDS = ['run', 'sweep', 'status', 'report', 'validate', 'show', 'dag', 'watch', 'steps', 'schema', 'gc', 'verify', 'help', 'version'];

const usage = (DEFAULT_PIPELINE: string) => `usage: agglo <command> [options]

commands:
  run [PIPELINE] [STAGE…]   run the pipeline (default ${DEFAULT_PIPELINE}); only what changed recomputes
        --jobs N            tasks at once (default: number of cores)
        --keep-going        after a failure, still run everything that does not depend on it
        --json              print a JSON run report (stages, result files with hashes, warnings)
        --verbose           a line for every stage (cached ones too), all notes, per-item
                            reasons, stack traces of crashed steps
        --executor local|slurm  where tasks run: here, or on a SLURM cluster (docs/distributed.md;
                            default: \`executor.default\` in agglo.config.yaml, else local)
        --verify-inputs     re-hash input files even when their size and mtime did not change
  sweep FILE [--jobs N] [--keep-going] [--json] [--executor local|slurm]
                            run every variant of a sweep file (docs/pipeline-reference.md,
                            "Sweeps"); writes results/<sweep>/specifications.csv, the collected
                            tables and summary.md
  status [PIPELINE]         what would run and why (dry run); --json, --verbose for items,
                            --verify-inputs (as for run); for a sweep file, by stage over
                            its variants
  report [PIPELINE]         build the pipeline's HTML report (its report stages and all they show)
  validate [PIPELINE]       check the pipeline (or sweep) file and report every problem
        --load-plugins      also check stages of plugin steps (imports the plugins: runs their code)
  show STAGE [-p PIPELINE] [--item key=value …] [--output NAME] [--json | --csv]
                            a stage's cached result, of the pipeline last run here unless
                            -p names one; long results show their first rows (--csv for all)
  dag [PIPELINE] [--format mermaid|dot|text]   the stage graph, stale stages marked
  watch [PIPELINE]          rerun on every change of the pipeline, its input files or plugins
  steps [NAME] [-p PIPELINE] [--markdown]
                            the registered steps (with -p, also that pipeline's plugin steps),
                            or one step's params (--markdown: the reference)
  schema [-p PIPELINE] [-o FILE] [--sweep]
                            the JSON Schema of pipeline files with every step's params, for
                            editors (with -p, also that pipeline's plugin steps); -o writes it;
                            --sweep: the schema of sweep files
  gc [--dry-run] [--verbose] remove cache entries that no current pipeline references
                            (--dry-run: list what it would remove; --verbose: each entry)
  verify [--dry-run] [--json]
                            re-hash every cache object (whatever the size/mtime memo says),
                            check run records, pipeline states and results/ files; remove
                            corrupt objects and damaged records (--dry-run: report only);
                            exit 1 when anything was found
`;

export async function main(argv: string[], io?: Io): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === 'version')) {
    (io?.out ?? ((t: string) => process.stdout.write(t)))(`agglo ${AGGLO_VERSION}\n`);
    return 0;
  }
  const common = await import('./commands/common.js');
  const to = io ?? common.processIo;
  try {
    return await dispatch(argv, to, common);
  } catch (e) {
    if (e instanceof common.UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      to.err(`error: ${(e as Error).message}\n\n${usage(common.DEFAULT_PIPELINE)}`);
      return common.EXIT_INVALID;
    }
    throw e;
  }
}

async function dispatch(argv: string[], io: Io, { DEFAULT_PIPELINE, parseJobs, UsageError }: Common): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd !== undefined && !cmd.startsWith('-') && !COMMANDS.includes(cmd)) {
    const hint = didYouMean(cmd, COMMANDS);
    throw new UsageError(`unknown command \`${cmd}\`${hint ? `; ${hint}` : ''}`);
  }
  const { values: o, positionals: pos } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      jobs: { type: 'string', short: 'j' },
      'keep-going': { type: 'boolean', short: 'k' },
      json: { type: 'boolean' },
      csv: { type: 'boolean' },
      verbose: { type: 'boolean', short: 'v' },
      item: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o' },
      pipeline: { type: 'string', short: 'p' },
      format: { type: 'string' },
      'dry-run': { type: 'boolean' },
      markdown: { type: 'boolean' },
      'load-plugins': { type: 'boolean' },
      'verify-inputs': { type: 'boolean' },
      sweep: { type: 'boolean' },
      executor: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (cmd === '--version' || cmd === 'version') {
    io.out(`agglo ${AGGLO_VERSION}\n`);
    return 0;
  }
  if (o.help || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(usage(DEFAULT_PIPELINE));
    return 0;
  }
  const isPipeline = (s: string | undefined) => s !== undefined && /\.ya?ml$/.test(s);
  const named = o.pipeline ?? (isPipeline(pos[0]) ? pos[0]! : undefined);
  const pipeline = named ?? DEFAULT_PIPELINE;
  const rest2 = isPipeline(pos[0]) && !o.pipeline ? pos.slice(1) : pos;
  if (o['verify-inputs'] && cmd !== undefined && !['run', 'status', 'report', 'watch', 'sweep'].includes(cmd)) {
    throw new UsageError(`--verify-inputs applies to run and status (and report, watch, sweep), not to \`${cmd}\``);
  }
  if (o.executor !== undefined && cmd !== undefined && !['run', 'status', 'sweep'].includes(cmd)) {
    throw new UsageError(`--executor applies to run, status and sweep, not to \`${cmd}\``);
  }
  if (o.executor !== undefined && !(EXECUTORS as readonly string[]).includes(o.executor)) {
    throw new UsageError(`--executor must be ${EXECUTORS.map((e) => `\`${e}\``).join(' or ')}, got \`${o.executor}\`${didYouMean(o.executor, EXECUTORS) ? `; ${didYouMean(o.executor, EXECUTORS)}` : ''}`);
  }
  const executor = o.executor as ExecutorKind | undefined;
  const runFlags = { pipeline, jobs: parseJobs(o.jobs), keepGoing: o['keep-going'] === true, json: o.json === true, verbose: o.verbose === true, targets: rest2, verifyInputs: o['verify-inputs'] === true, ...(executor ? { executor } : {}) };
  switch (cmd) {
    case 'run':
      if (isPipeline(pos[0]) && (await import('./sweep-load.js')).isSweepFile(pipeline, process.cwd())) {
        throw new UsageError(`\`${pipeline}\` is a sweep file; run it with \`agglo sweep ${pipeline}\``);
      }
      return (await import('./commands/run.js')).runCommand(runFlags, io);
    case 'report':
      return (await import('./commands/report.js')).reportCommand(runFlags, io);
    case 'status':
      if ((await import('./sweep-load.js')).isSweepFile(pipeline, process.cwd())) {
        return (await import('./commands/sweep.js')).sweepStatusCommand({ ...runFlags, file: pipeline }, io);
      }
      return (await import('./commands/run.js')).runCommand(runFlags, io, true);
    case 'sweep':
      if (!named) throw new UsageError('sweep needs a sweep file (FILE.yaml)');
      if (rest2.length > 0) throw new UsageError(`sweep takes one sweep file, got also \`${rest2[0]}\``);
      // A file that cannot be read is reported by the sweep command, like a pipeline's by run.
      if ((await import('node:fs')).existsSync(named) && !(await import('./sweep-load.js')).isSweepFile(named, process.cwd())) {
        throw new UsageError(`\`${named}\` is not a sweep file (it has no top-level \`sweep:\` key); \`agglo run ${named}\` runs a pipeline`);
      }
      return (await import('./commands/sweep.js')).sweepCommand({ ...runFlags, file: named }, io);
    case 'validate':
      if ((await import('./sweep-load.js')).isSweepFile(pipeline, process.cwd())) {
        return (await import('./commands/sweep.js')).sweepValidateCommand(pipeline, io, o['load-plugins'] === true);
      }
      return (await import('./commands/validate.js')).validateCommand(pipeline, io, o['load-plugins'] === true);
    case 'show':
      if (!rest2[0]) throw new UsageError('show needs a stage name');
      // Without a pipeline named, show uses the one last run here (show.ts says which).
      return (await import('./commands/show.js')).showCommand({ pipeline: named, stage: rest2[0], items: o.item ?? [], output: o.output, json: o.json === true, csv: o.csv === true }, io);
    case 'dag':
      return (await import('./commands/dag.js')).dagCommand({ pipeline, format: o.format ?? 'mermaid' }, io);
    case 'watch':
      return (await import('./commands/watch.js')).watchCommand(runFlags, io);
    case 'steps':
      return (await import('./commands/steps.js')).stepsCommand(pos[0], io, o.markdown === true, o.pipeline);
    case 'schema':
      if (rest2.length > 0) throw new UsageError(`schema takes no arguments besides a pipeline (for its plugins), got \`${rest2[0]}\``);
      return (await import('./commands/schema.js')).schemaCommand({ pipeline: named, output: o.output, sweep: o.sweep === true }, io);
    case 'gc':
      return (await import('./commands/gc.js')).gcCommand({ dryRun: o['dry-run'] === true, verbose: o.verbose === true }, io);
    case 'verify':
      if (pos.length > 0) throw new UsageError(`verify checks the whole cache and takes no arguments, got \`${pos[0]}\``);
      return (await import('./commands/verify.js')).verifyCommand({ dryRun: o['dry-run'] === true, json: o.json === true }, io);
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command \`${cmd}\``);
  }
}
