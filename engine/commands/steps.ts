/** `agglo steps [NAME]`: the registered steps, or one step's params from its schema. */
import { builtinRegistry, loadPipeline } from '../load.js';
import { suggest } from '../suggest.js';
import type { JsonSchema, StepDefinition } from '../step.js';
import { EXIT_INVALID, EXIT_OK, type Io } from './common.js';

/**
 * With `pipeline`, the steps of that pipeline's plugins are listed too (the pipeline is
 * loaded for its plugins; its own problems are not reported here: `agglo validate` does).
 */
export async function stepsCommand(name: string | undefined, io: Io, markdown = false, pipeline?: string): Promise<number> {
  const reg = pipeline ? (await loadPipeline(pipeline, process.cwd())).registry : builtinRegistry();
  if (markdown) {
    io.out(stepsMarkdown(reg.names().map((n) => reg.get(n)!.def)));
    return EXIT_OK;
  }
  if (!name) {
    const names = reg.names();
    const w = Math.max(...names.map((n) => n.length));
    for (const n of names) io.out(`${n.padEnd(w)}  ${firstSentence(reg.get(n)!.def.description)}\n`);
    return EXIT_OK;
  }
  const s = reg.get(name);
  if (!s) {
    const hint = suggest(name, reg.names());
    io.err(`error: no step named \`${name}\`${hint ? `; did you mean \`${hint}\`?` : ''} (\`agglo steps\` lists them${pipeline ? '' : '; add -p PIPELINE for the steps of its plugins'})\n`);
    return EXIT_INVALID;
  }
  io.out(describeStep(s.def.name, s.def.version, s.def.description, s.def.params, s.def.inputs, s.def.outputs));
  return EXIT_OK;
}

/** Abbreviations whose period does not end a sentence ("e.g. a table", "eq. 4", "Miller et al. 2009"). */
const ABBREVIATION = /(?:^|[\s(])(?:e\.g|i\.e|cf|eqs?|vs|etc|al|approx|resp|no|fig|incl)\.$/i;

/** The description's first sentence, whole: a period ends it only before a capital letter, a quote or the end. */
export function firstSentence(s: string): string {
  const text = s.replace(/\s+/g, ' ').trim();
  const end = /[.!?](?= [A-Z"(`]|$)/g;
  for (let m = end.exec(text); m; m = end.exec(text)) {
    const upTo = text.slice(0, m.index + 1);
    if (!ABBREVIATION.test(upTo)) return upTo;
  }
  return text;
}

export function describeStep(name: string, version: string, description: string, params: JsonSchema, inputs: Record<string, { description: string; optional?: boolean }>, outputs: Record<string, string>): string {
  const out: string[] = [`${name} (version ${version})`, '', description.trim(), ''];
  out.push('inputs:');
  const ins = Object.entries(inputs);
  if (ins.length === 0) out.push('  (none)');
  for (const [k, v] of ins) out.push(`  ${k}${v.optional ? ' (optional)' : ''}: ${v.description}`);
  out.push('outputs:');
  for (const [k, v] of Object.entries(outputs)) out.push(`  ${k}: ${v}`);
  out.push('params:');
  const props = (params.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((params.required ?? []) as string[]);
  if (Object.keys(props).length === 0) out.push('  (none)');
  for (const [k, p] of Object.entries(props)) {
    const bits = [typeText(p)];
    if (required.has(k)) bits.push('required');
    if (p.default !== undefined) bits.push(`default ${JSON.stringify(p.default)}`);
    out.push(`  ${k} (${bits.join(', ')})${p.description ? `: ${String(p.description)}` : ''}`);
  }
  return out.join('\n') + '\n';
}

function typeText(p: JsonSchema): string {
  if (Array.isArray(p.enum)) return p.enum.map((e) => JSON.stringify(e)).join(' | ');
  if (p.format === 'file-path') return 'file path';
  if (p.type === 'array' && p.items && typeof p.items === 'object' && !Array.isArray(p.items)) return `list of ${typeText(p.items as JsonSchema)}`;
  if (Array.isArray(p.type)) return p.type.join(' | ');
  if (typeof p.type === 'string') return p.type;
  if (Array.isArray(p.oneOf) || Array.isArray(p.anyOf)) return ((p.oneOf ?? p.anyOf) as JsonSchema[]).map(typeText).join(' | ');
  return 'any';
}

/** The reference of every step as Markdown (docs/steps/reference.md is generated from it). */
export function stepsMarkdown(defs: readonly StepDefinition[]): string {
  const out = [
    '# Step reference',
    '',
    'Generated from the steps\' own params schemas by `agglo steps --markdown` (run `npm run docs` after changing a step; a test checks this file is current). `agglo steps NAME` prints the same for one step.',
    '',
    defs.map((d) => `[${d.name}](#${d.name})`).join(' · '),
    '',
  ];
  for (const d of defs) {
    out.push(`## ${d.name}`, '', `Version ${d.version}${d.heavy === true ? ' · runs in a worker thread' : d.heavy ? ' · runs in a worker thread when large' : ''}${d.observesPipeline ? ' · observes the whole pipeline' : ''}`, '', d.description.trim(), '');
    out.push('| input | |', '|---|---|');
    for (const [k, v] of Object.entries(d.inputs)) out.push(`| \`${k}\`${v.optional ? ' (optional)' : ''} | ${cell(v.description)} |`);
    out.push('', '| output | |', '|---|---|');
    for (const [k, v] of Object.entries(d.outputs)) out.push(`| \`${k}\` | ${cell(v)} |`);
    const props = (d.params.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((d.params.required ?? []) as string[]);
    out.push('', '| param | type | default | |', '|---|---|---|---|');
    for (const [k, p] of Object.entries(props)) {
      out.push(`| \`${k}\`${required.has(k) ? ' (required)' : ''} | ${cell(typeText(p))} | ${p.default === undefined ? '' : `\`${JSON.stringify(p.default)}\``} | ${cell(String(p.description ?? ''))} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function cell(s: string): string {
  return s.replaceAll('|', '\\|').replace(/\s+/g, ' ');
}
