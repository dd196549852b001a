/**
 * A step's params schema as an editor should check it (`agglo schema`, for the YAML language
 * server): the same rules, except that a value may also be a `${params.NAME}` or
 * `${item.DIM}` reference wherever the step expects something a reference string would not
 * satisfy (a list, a number, an enum value…). agglo replaces such a string by the value it
 * names before the step's schema is applied (docs/pipeline-reference.md, "Interpolation"),
 * so without this an editor would mark `x: "${params.x}"` in the paper's pipeline as wrong.
 *
 * The output is draft-07 JSON Schema, which the YAML language server understands best:
 * `prefixItems` (draft 2020-12) becomes the array form of `items`.
 */
import type { Json } from './value.js';
import type { JsonSchema } from './step.js';

/** A string that is exactly one reference: agglo replaces it by the value itself, keeping its type. */
export const REFERENCE_PATTERN = '^\\$\\{[^}]*\\}$';
/** A string with a reference in it (`"${params.results}/table5"`): agglo substitutes it as text. */
export const TEXT_REFERENCE_PATTERN = '\\$\\{[^}]*\\}';

export interface EditorSchemaOptions {
  /** `$ref` of a string that is one whole reference (kept once in the pipeline schema's definitions). */
  readonly referenceRef: string;
  /** `$ref` of a string with a reference anywhere in it: text substitution may turn it into a valid string. */
  readonly textReferenceRef: string;
  /** Where this schema's root lands in the pipeline schema, e.g. `#/definitions/params-ras`: local `$ref`s are rebased onto it. */
  readonly root: string;
  /**
   * For a stage of a variation (`extends`): maps merge into the base's key by key, and `null`
   * removes a key, so below the params a map need not have its required keys and any map
   * entry may be `null`. Lists replace the base's whole and keep every rule.
   */
  readonly partial: boolean;
}

type Node = JsonSchema | boolean;

const isSchema = (v: unknown): v is JsonSchema => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Keywords whose rules a reference string could fail, so the value needs the reference alternative. */
const STRICT_KEYWORDS = ['enum', 'const', 'pattern', 'minLength', 'maxLength', 'anyOf', 'oneOf', 'allOf', 'not', '$ref', 'if'];

/** The params schema of one step for the editor. Its root stays a map (or empty `params:`), without `required` (the caller adds it). */
export function editorParamsSchema(params: JsonSchema, opts: EditorSchemaOptions): JsonSchema {
  const root = inner(params, opts, true);
  delete root.required;
  if (opts.partial) delete root.minProperties;
  if (root.type === 'object') root.type = ['object', 'null'];
  return root;
}

/** Whether a `${…}` string could fail `s` (then it gets the reference alternative). */
function rejectsReference(s: JsonSchema): boolean {
  const t = s.type;
  if (typeof t === 'string' && t !== 'string') return true;
  if (Array.isArray(t) && !t.includes('string')) return true;
  // An editor checks some formats (date-time, email, uri…); agglo's own `file-path` it does not know.
  if (s.format !== undefined && s.format !== 'file-path' && s.format !== 'optional-file-path') return true;
  return STRICT_KEYWORDS.some((k) => s[k] !== undefined);
}

/** Whether `s` allows some strings (a string with a reference could become one of them). */
function acceptsString(s: JsonSchema): boolean {
  const t = s.type;
  if (typeof t === 'string' || Array.isArray(t)) return t === 'string' || (Array.isArray(t) && t.includes('string'));
  if (Array.isArray(s.enum)) return s.enum.some((v) => typeof v === 'string');
  if (s.const !== undefined) return typeof s.const === 'string';
  return true;
}

/** A schema at a value position: the value as written, a reference to one, or (partial, on a map chain) `null`. */
function value(node: Node, opts: EditorSchemaOptions, mapChain: boolean): Node {
  if (!isSchema(node)) return node;
  const s = inner(node, opts, mapChain);
  const removable = opts.partial && mapChain;
  if (!rejectsReference(node) && !removable) return s;
  // The description only on the wrapper: the language server's hover joins those of the
  // alternatives with ` || `.
  delete s.description;
  const alternatives: Node[] = [s];
  if (rejectsReference(node)) alternatives.push({ $ref: acceptsString(node) ? opts.textReferenceRef : opts.referenceRef });
  if (removable) alternatives.push({ type: 'null' });
  const out: JsonSchema = {};
  if (node.description !== undefined) out.description = node.description;
  if (node.default !== undefined) out.default = node.default;
  out.anyOf = alternatives as Json[];
  return out;
}

/** `node` with every value position below it made to accept references, and local `$ref`s rebased. */
function inner(node: JsonSchema, opts: EditorSchemaOptions, mapChain: boolean): JsonSchema {
  const out: JsonSchema = { ...node };
  const mapOf = (v: unknown, chain: boolean) => (isSchema(v) ? Object.fromEntries(Object.entries(v).map(([k, sub]) => [k, value(sub as Node, opts, chain)])) : v);
  if (node.properties !== undefined) out.properties = mapOf(node.properties, mapChain) as JsonSchema;
  if (node.patternProperties !== undefined) out.patternProperties = mapOf(node.patternProperties, mapChain) as JsonSchema;
  if (isSchema(node.additionalProperties)) out.additionalProperties = value(node.additionalProperties, opts, mapChain) as JsonSchema;
  if (Array.isArray(node.prefixItems)) {
    // draft 2020-12 tuple → draft-07: `items` as a list, the rest under `additionalItems`.
    out.items = node.prefixItems.map((s) => value(s as Node, opts, false)) as Json[];
    delete out.prefixItems;
    if (node.items !== undefined) out.additionalItems = value(node.items as Node, opts, false) as JsonSchema;
  } else if (Array.isArray(node.items)) {
    out.items = node.items.map((s) => value(s as Node, opts, false)) as Json[];
  } else if (isSchema(node.items)) {
    out.items = value(node.items, opts, false) as JsonSchema;
  }
  if (isSchema(node.additionalItems)) out.additionalItems = value(node.additionalItems, opts, false) as JsonSchema;
  // Branches are not wrapped one by one (a reference matching two branches would fail a
  // `oneOf`); the node holding them gets the reference alternative instead.
  for (const k of ['anyOf', 'oneOf', 'allOf'] as const) {
    const list = node[k];
    if (Array.isArray(list)) out[k] = list.map((b) => (isSchema(b) ? inner(b, opts, mapChain) : b)) as Json[];
  }
  for (const k of ['if', 'then', 'else'] as const) {
    const b = node[k];
    if (isSchema(b)) out[k] = inner(b, opts, mapChain);
  }
  for (const k of ['$defs', 'definitions'] as const) {
    const defs = node[k];
    if (isSchema(defs)) out[k] = Object.fromEntries(Object.entries(defs).map(([name, d]) => [name, isSchema(d) ? inner(d, opts, mapChain) : d]));
  }
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#')) out.$ref = opts.root + node.$ref.slice(1);
  if (opts.partial && mapChain) {
    delete out.required;
    delete out.minProperties;
  }
  return out;
}
