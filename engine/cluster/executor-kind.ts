/** The executors `--executor` and `executor.default` (agglo.config.yaml) name. */
export const EXECUTORS = ['local', 'slurm'] as const;
export type ExecutorKind = (typeof EXECUTORS)[number];
