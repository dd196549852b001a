/**
 * `agglo` command line. Exit codes: 0 ok, 1 a stage failed, 2 invalid pipeline or usage.
 * User mistakes never print a stack trace; a crash inside agglo itself does (it is a bug).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_PIPELINE, EXIT_INVALID, parseJobs, processIo, UsageError, type Io } from './commands/common.js';
import { dagCommand } from './commands/dag.js';
import { gcCommand } from './commands/gc.js';
import { reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { showCommand } from './commands/show.js';
import { stepsCommand } from './commands/steps.js';
import { validateCommand } from './commands/validate.js';
import { verifyCommand } from './commands/verify.js';
import { watchCommand } from './commands/watch.js';
import { AGGLO_VERSION } from './version.js';

const USAGE = `usage: agglo <command> [options]

commands:
  run [PIPELINE] [STAGE…]   run the pipeline (default ${DEFAULT_PIPELINE}); only what changed recomputes
        --jobs N            tasks at once (default: number of cores)
        --keep-going        after a failure, still run everything that does not depend on it
        --json              print a JSON run report
        --verbose           all notes, per-item reasons, stack traces of crashed steps
        --verify-inputs     re-hash input files even when their size and mtime did not change
  status [PIPELINE]         what would run and why (dry run); --json, --verbose for items,
                            --verify-inputs (as for run)
  report [PIPELINE]         build the pipeline's HTML report (its report stages and all they show)
  validate [PIPELINE]       check the pipeline file and report every problem
        --load-plugins      also check stages of plugin steps (imports the plugins: runs their code)
  show STAGE [--pipeline P] [--item key=value …] [--output NAME] [--json | --csv]
                            a stage's cached result
  dag [PIPELINE] [--format mermaid|dot]   the stage graph, stale stages marked
  watch [PIPELINE]          rerun on every change of the pipeline, its input files or plugins
  steps [NAME] [-p PIPELINE] [--markdown]
                            the registered steps (with -p, also that pipeline's plugin steps),
                            or one step's params (--markdown: the reference)
  gc [--dry-run]            remove cache entries that no current pipeline references
  verify [--dry-run] [--json]
                            re-hash every cache object (whatever the size/mtime memo says),
                            check run records, pipeline states and results/ files; remove
                            corrupt objects and damaged records (--dry-run: report only);
                            exit 1 when anything was found
`;

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`error: ${(e as Error).message}\n\n${USAGE}`);
      return EXIT_INVALID;
    }
    throw e;
  }
}

async function dispatch(argv: string[], io: Io): Promise<number> {
  const [cmd, ...rest] = argv;
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
      output: { type: 'string' },
      pipeline: { type: 'string', short: 'p' },
      format: { type: 'string' },
      'dry-run': { type: 'boolean' },
      markdown: { type: 'boolean' },
      'load-plugins': { type: 'boolean' },
      'verify-inputs': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (cmd === '--version' || cmd === 'version') {
    io.out(`agglo ${AGGLO_VERSION}\n`);
    return 0;
  }
  if (o.help || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    io.out(USAGE);
    return 0;
  }
  const isPipeline = (s: string | undefined) => s !== undefined && /\.ya?ml$/.test(s);
  const pipeline = o.pipeline ?? (isPipeline(pos[0]) ? pos[0]! : DEFAULT_PIPELINE);
  const rest2 = isPipeline(pos[0]) && !o.pipeline ? pos.slice(1) : pos;
  if (o['verify-inputs'] && cmd !== undefined && !['run', 'status', 'report', 'watch'].includes(cmd)) {
    throw new UsageError(`--verify-inputs applies to run and status (and report, watch), not to \`${cmd}\``);
  }
  const runFlags = { pipeline, jobs: parseJobs(o.jobs), keepGoing: o['keep-going'] === true, json: o.json === true, verbose: o.verbose === true, targets: rest2, verifyInputs: o['verify-inputs'] === true };
  switch (cmd) {
    case 'run':
      return runCommand(runFlags, io);
    case 'report':
      return reportCommand(runFlags, io);
    case 'status':
      return runCommand(runFlags, io, true);
    case 'validate':
      return validateCommand(pipeline, io, o['load-plugins'] === true);
    case 'show':
      if (!rest2[0]) throw new UsageError('show needs a stage name');
      return showCommand({ pipeline, stage: rest2[0], items: o.item ?? [], output: o.output, json: o.json === true, csv: o.csv === true }, io);
    case 'dag':
      return dagCommand({ pipeline, format: o.format ?? 'mermaid' }, io);
    case 'watch':
      return watchCommand(runFlags, io);
    case 'steps':
      return stepsCommand(pos[0], io, o.markdown === true, o.pipeline);
    case 'gc':
      return gcCommand({ dryRun: o['dry-run'] === true }, io);
    case 'verify':
      if (pos.length > 0) throw new UsageError(`verify checks the whole cache and takes no arguments, got \`${pos[0]}\``);
      return verifyCommand({ dryRun: o['dry-run'] === true, json: o.json === true }, io);
    case undefined:
      throw new UsageError('no command given');
    default:
      throw new UsageError(`unknown command \`${cmd}\``);
  }
}
