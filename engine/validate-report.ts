/**
 * Collects diagnostics during validation. Every check adds to it and carries on, so one run
 * reports every problem in the file.
 */
import type { Diagnostic, SourceRange } from './diagnostic.js';

/** Optional parts of a diagnostic. */
export interface DiagnosticExtras {
  readonly hint?: string | undefined;
  readonly related?: readonly (SourceRange & { message: string })[];
}

export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  error(code: string, message: string, at: SourceRange, extras: DiagnosticExtras = {}): void {
    this.add('error', code, message, at, extras);
  }

  warning(code: string, message: string, at: SourceRange, extras: DiagnosticExtras = {}): void {
    this.add('warning', code, message, at, extras);
  }

  get errorCount(): number {
    return this.diagnostics.filter((d) => d.severity === 'error').length;
  }

  private add(severity: 'error' | 'warning', code: string, message: string, at: SourceRange, extras: DiagnosticExtras): void {
    const d: Diagnostic = {
      severity, code, message,
      file: at.file, line: at.line, col: at.col, endLine: at.endLine, endCol: at.endCol,
      ...(extras.hint !== undefined ? { hint: extras.hint } : {}),
      ...(extras.related && extras.related.length > 0 ? { related: extras.related } : {}),
    };
    this.diagnostics.push(d);
  }
}

/** Diagnostics in file order (then by code, so the output is stable). */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.col - b.col || a.code.localeCompare(b.code));
}
