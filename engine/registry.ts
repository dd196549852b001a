/**
 * The step registry: built-in steps (steps/index.ts) plus steps from plugin modules.
 */
import path from 'node:path';
import type { StepDefinition } from './step.js';

export interface RegisteredStep {
  readonly def: StepDefinition;
  /** Module that defines it: "builtin" or the plugin's absolute path / package name. */
  readonly source: string;
  /** sha256 of the plugin module's source text, or `agglo@VERSION` for built-ins (part of the fingerprint). */
  readonly sourceHash: string;
}

export class StepRegistry {
  private readonly steps = new Map<string, RegisteredStep>();

  add(def: StepDefinition, source = 'builtin', sourceHash = ''): void {
    const prev = this.steps.get(def.name);
    if (prev) {
      // A plugin's own path is named as the user wrote it by the caller; here only the other definer.
      const other = prev.source === 'builtin' ? 'agglo itself (a built-in step)' : `another plugin (${path.basename(prev.source)})`;
      throw new Error(`it defines step \`${def.name}\`, which ${other} already defines; give the plugin's step another name`);
    }
    this.steps.set(def.name, { def, source, sourceHash });
  }

  get(name: string): RegisteredStep | undefined {
    return this.steps.get(name);
  }

  names(): string[] {
    return [...this.steps.keys()].sort();
  }
}
