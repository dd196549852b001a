/**
 * A diagnostic is data that points into the YAML (wireit style). Validation collects all
 * of them before stopping; the printer (engine/diagnostics-format.ts) renders them with the
 * source line and a `~~~` underline.
 */
export interface SourceRange {
  /** Path of the file as the user wrote it / relative to the working directory. */
  readonly file: string;
  /** 1-based line and column of the start. */
  readonly line: number;
  readonly col: number;
  /** 1-based end (exclusive column) on the same or a later line. */
  readonly endLine: number;
  readonly endCol: number;
}

export interface Diagnostic extends SourceRange {
  readonly severity: 'error' | 'warning';
  /** kebab-case, stable: e.g. "unknown-step", "cycle", "missing-file". */
  readonly code: string;
  readonly message: string;
  /** "did you mean `ras`?" or what to do next. */
  readonly hint?: string;
  /** Further places involved (e.g. every stage on a cycle). */
  readonly related?: readonly (SourceRange & { message: string })[];
}
