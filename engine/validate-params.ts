/**
 * Checks a stage's params against its step's JSON Schema at validation time. `${item.x}`
 * references are replaced by the first item's values where those are known, so a param that
 * would get the wrong type is caught before anything runs; the planner checks every item
 * again with `applyParamsSchema`.
 */
import type { ErrorObject } from 'ajv';
import type { ForeachSource } from './pipeline.js';
import type { StepDefinition } from './step.js';
import { substituteSample } from './interpolate.js';
import type { ValuePath } from './interpolate.js';
import { ajvMessage, checkParams, filePathParams, paramPathText } from './params-schema.js';
import { describeType, nodePathOf } from './pipeline-schema.js';
import { dict, own } from './dict.js';
import { didYouMean, nameList } from './suggest.js';
import type { ValidationContext } from './validate-stages.js';
import { checkProjectFile } from './confine.js';

function startsWith(p: ValuePath, prefix: ValuePath): boolean {
  return prefix.length <= p.length && prefix.every((s, i) => s === p[i]);
}

function valueAt(v: unknown, p: ValuePath): unknown {
  return p.reduce<unknown>((cur, k) => (typeof cur !== 'object' || cur === null ? undefined : Array.isArray(cur) ? cur[k as number] : own(cur as Record<string, unknown>, String(k))), v);
}

/** The sub-schema describing the value at `p` (following `properties` and `items`). */
function schemaAt(schema: unknown, p: ValuePath): Record<string, unknown> | undefined {
  let cur = schema as Record<string, unknown> | undefined;
  for (const seg of p) {
    if (!cur) return undefined;
    const next: unknown = typeof seg === 'number' ? cur.items : own(cur.properties as Record<string, unknown> | undefined, seg);
    cur = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : undefined;
  }
  return cur;
}

/** Drops the per-branch errors of a failed anyOf/oneOf, keeping one error for it. */
function collapseAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  const alts = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  return errors.filter((e) => !alts.some((a) => a !== e && e.schemaPath.startsWith(a.schemaPath + '/') && e.instancePath.startsWith(a.instancePath)));
}

/** Reports every problem with one stage's params; true when there are none. */
export function checkStageParams(ctx: ValidationContext, id: string, step: StepDefinition, params: Record<string, unknown>, foreach: Readonly<Record<string, ForeachSource>> | undefined): boolean {
  const base = ['stages', id, 'params'];
  const sample = dict<string | number>();
  for (const [dim, src] of Object.entries(foreach ?? {})) if (src.kind === 'values' && src.values.length > 0) sample[dim] = src.values[0]!;
  const sub = substituteSample(params, sample);
  const check = checkParams(step, sub.value as Record<string, unknown>);
  const paramsRange = ctx.parsed.locateKey(base) ?? ctx.parsed.locateKey(['stages', id]) ?? ctx.parsed.locateNearest(base);
  if (check.schemaError) {
    ctx.report.error('bad-step-schema', check.schemaError, ctx.parsed.locateNearest(['stages', id, 'step']), { hint: 'this is a bug in the step definition; report it to its author' });
    return false;
  }
  let ok = true;
  const declared = Object.keys((step.params.properties as Record<string, unknown> | undefined) ?? {});
  for (const e of collapseAlternatives(check.errors)) {
    const p = nodePathOf(e.instancePath, sub.value);
    if (sub.unresolved.some((u) => startsWith(p, u))) continue; // known only at run time
    const ep = e.params as Record<string, unknown>;
    const name = paramPathText(e.instancePath);
    const at = [...base, ...p];
    if (e.keyword === 'additionalProperties') {
      const key = String(ep.additionalProperty);
      const props = Object.keys((schemaAt(step.params, p)?.properties as Record<string, unknown> | undefined) ?? {});
      const full = paramPathText(e.instancePath, key);
      ctx.report.error('unknown-param', `step \`${step.name}\` has no param \`${full}\``, ctx.parsed.locateKey([...at, key]) ?? ctx.parsed.locateNearest(at), {
        hint: didYouMean(key, props) ?? `${p.length === 0 ? `params of \`${step.name}\`` : `keys of \`${name}\``} are ${nameList(props)}`,
      });
    } else if (e.keyword === 'required') {
      const key = String(ep.missingProperty);
      const desc = schemaAt(step.params, [...p, key])?.description;
      const full = paramPathText(e.instancePath, key);
      ctx.report.error('missing-param', `stage \`${id}\` does not set param \`${full}\`, which step \`${step.name}\` requires`, p.length === 0 ? paramsRange : ctx.parsed.locateNearest(at), {
        hint: `add \`${key}: ...\` under \`${p.length === 0 ? 'params' : name}:\`${typeof desc === 'string' ? ` (${desc})` : ''}`,
      });
    } else {
      const value = valueAt(sub.value, p);
      const fromItem = sub.substituted.find((s) => startsWith(p, s));
      const via = fromItem ? ` (from \`${String(valueAt(params, fromItem))}\` with the first item)` : '';
      const shown = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? `\`${String(value)}\`` : describeType(value);
      const label = name === '' ? 'params' : `param \`${name}\``;
      if (e.keyword === 'type' || e.keyword === 'anyOf' || e.keyword === 'oneOf') {
        const types = e.keyword === 'type' ? ajvMessage(e) : alternativesMessage(check.errors, e);
        ctx.report.error('wrong-type', `${label} of stage \`${id}\` ${types}, not ${describeType(value)}${via}`, ctx.parsed.locateNearest(at), describeHint(schemaAt(step.params, p)));
      } else {
        const allowed = e.keyword === 'enum' ? (ep.allowedValues as unknown[]).map(String) : [];
        ctx.report.error('bad-value', `${label} of stage \`${id}\` is ${shown}${via}; it ${ajvMessage(e)}`, ctx.parsed.locateNearest(at), {
          hint: typeof value === 'string' ? didYouMean(value, allowed) : undefined,
        });
      }
    }
    ok = false;
  }
  for (const f of filePathParams(step.params, params)) {
    if (f.value.includes('${')) continue;
    if (f.optional && !checkProjectFile(ctx, f.value, `param \`${paramPathText('/' + f.path.join('/'))}\` of stage \`${id}\` names file \`${f.value}\`, which`, [...base, ...f.path], true)) ok = false;
    if (!f.optional && !checkProjectFile(ctx, f.value, `param \`${paramPathText('/' + f.path.join('/'))}\` of stage \`${id}\` names file \`${f.value}\`, which`, [...base, ...f.path])) ok = false;
  }
  return ok;
}

/** "must be a string or a boolean" from the type errors of an anyOf/oneOf's branches. */
function alternativesMessage(all: readonly ErrorObject[], alt: ErrorObject): string {
  const types = all
    .filter((e) => e.keyword === 'type' && e.instancePath === alt.instancePath && e.schemaPath.startsWith(alt.schemaPath + '/'))
    .map((e) => ajvMessage(e).replace(/^must be /, ''));
  return types.length > 0 ? `must be ${[...new Set(types)].join(' or ')}` : 'does not match any allowed form';
}

function describeHint(schema: Record<string, unknown> | undefined): { hint?: string } {
  return typeof schema?.description === 'string' ? { hint: schema.description } : {};
}
