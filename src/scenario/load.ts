import { Ajv, type ErrorObject } from 'ajv';
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
} from 'yaml';
import { didYouMean } from './did-you-mean.js';
import { SCENARIO_SCHEMA } from './schema.js';
import type { ScenarioFile } from './types.js';

/** A problem in a scenario file, at a line and column (1-based). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${problem}`);
  }
}

/** Where a value sits in the file, by its path of keys and indexes. */
export interface SourceMap {
  readonly file: string;
  /** Line and column of the value at `path` (or of its key, with `key`), or of the nearest parent. */
  at(path: readonly (string | number)[], key?: boolean): { line: number; column: number };
}

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(data: unknown): ErrorObject[] {
  if (validator === undefined)
    validator = new Ajv({ allErrors: true, strict: false }).compile(SCENARIO_SCHEMA);
  return validator(data) ? [] : [...(validator.errors ?? [])];
}

/**
 * A class, not an object of closures: a scenario is compiled once per seed of a sweep, and V8
 * drops the optimized code of closures that are garbage at a full collection, to compile it again.
 */
class YamlSourceMap implements SourceMap {
  constructor(
    readonly file: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  at(path: readonly (string | number)[], key = false): { line: number; column: number } {
    let node: unknown = this.doc.contents;
    let found = this.position(0);
    if (node !== null && typeof node === 'object' && 'range' in node)
      found = this.position((node as Node).range?.[0] ?? 0);
    for (const [i, segment] of path.entries()) {
      if (isMap(node)) {
        const pair = pairNamed(node.items, String(segment));
        if (pair === undefined) break;
        const last = i === path.length - 1;
        const target = last && key ? pair.key : pair.value;
        const range = (target as Node | null)?.range ?? (pair.key as Node | null)?.range;
        if (range !== undefined && range !== null) found = this.position(range[0]);
        node = pair.value;
      } else if (node !== null && typeof node === 'object' && 'items' in node) {
        const item = (node as { items: unknown[] }).items[Number(segment)] as Node | undefined;
        if (item === undefined) break;
        if (item.range !== undefined && item.range !== null) found = this.position(item.range[0]);
        node = item;
      } else break;
    }
    return found;
  }

  private position(offset: number): { line: number; column: number } {
    const { line, col } = this.lines.linePos(offset);
    return { line, column: col };
  }
}

function pairNamed(items: readonly unknown[], name: string): Pair | undefined {
  for (const p of items) if (isPair(p) && isScalar(p.key) && String(p.key.value) === name) return p;
  return undefined;
}

const pathOf = (pointer: string): string[] =>
  pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));

/** `timeline[2].crash` for ['timeline', '2', 'crash']. */
export function describePath(path: readonly (string | number)[]): string {
  let out = '';
  for (const segment of path)
    out += /^[0-9]+$/.test(String(segment)) ? `[${segment}]` : out === '' ? segment : `.${segment}`;
  return out === '' ? 'the scenario' : out;
}

/** The schema object at a JSON pointer into the schema (for the allowed keys and values). */
function schemaAt(pointer: string): Record<string, unknown> | undefined {
  let node: unknown = SCENARIO_SCHEMA;
  for (const segment of pathOf(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node as Record<string, unknown> | undefined;
}

/** One readable message per schema error. */
function explain(error: ErrorObject, data: unknown): { path: string[]; key: boolean; problem: string } {
  const path = pathOf(error.instancePath);
  const where = describePath(path);
  let value: unknown = data;
  for (const segment of path) value = (value as Record<string, unknown> | undefined)?.[segment];
  switch (error.keyword) {
    case 'additionalProperties': {
      const extra = String((error.params as { additionalProperty: string }).additionalProperty);
      const allowed = Object.keys(
        schemaAt(error.schemaPath.replace(/\/additionalProperties$/, '').slice(1))?.properties ?? {},
      );
      const suggestion = didYouMean(extra, allowed);
      return {
        path: [...path, extra],
        key: true,
        problem: `unknown key '${extra}' in ${where}${suggestion === undefined ? '' : `: did you mean '${suggestion}'?`} Allowed: ${allowed.join(', ')}.`,
      };
    }
    case 'required':
      return {
        path,
        key: false,
        problem: `${where} is missing '${(error.params as { missingProperty: string }).missingProperty}'.`,
      };
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) =>
        JSON.stringify(v),
      );
      const suggestion =
        typeof value === 'string'
          ? didYouMean(
              value,
              allowed.map((a) => JSON.parse(a) as string).filter((a) => typeof a === 'string'),
            )
          : undefined;
      return {
        path,
        key: false,
        problem: `${where} is ${JSON.stringify(value)}${suggestion === undefined ? '' : ` (did you mean '${suggestion}'?)`}; allowed: ${allowed.join(', ')}.`,
      };
    }
    case 'pattern':
      if (String((error.params as { pattern: string }).pattern).includes('us|ms|s|m|h'))
        return {
          path,
          key: false,
          problem: `${where} is ${JSON.stringify(value)}, not a duration: write a number and a unit, e.g. 250ms, 5s, 2m.`,
        };
      return {
        path,
        key: false,
        problem: `${where} is ${JSON.stringify(value)}, which does not match ${(error.params as { pattern: string }).pattern}.`,
      };
    case 'type':
      return {
        path,
        key: false,
        problem: `${where} must be ${(error.params as { type: string }).type}, not ${JSON.stringify(value)}.`,
      };
    case 'minProperties':
    case 'maxProperties':
      return {
        path,
        key: false,
        problem: timelineEntryProblem(where),
      };
    default:
      return { path, key: false, problem: `${where} ${error.message ?? 'is not valid'}.` };
  }
}

/** What a timeline entry must hold, with the actions it may name. */
function timelineEntryProblem(where: string): string {
  const actions = Object.keys(schemaAt('/properties/timeline/items/properties') ?? {}).filter(
    (k) => k !== 'at' && k !== 'for',
  );
  return `${where} must have 'at' and exactly one action (${actions.join(', ')}), and may have 'for'.`;
}

/** Ranks schema errors so the most telling one is reported: deepest first, then by kind. */
const KEYWORD_RANK: Record<string, number> = {
  additionalProperties: 0,
  required: 1,
  enum: 2,
  pattern: 3,
  type: 4,
  minProperties: 5,
  maxProperties: 5,
};

function bestError(errors: readonly ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => {
    const depth = pathOf(b.instancePath).length - pathOf(a.instancePath).length;
    if (depth !== 0) return depth;
    return (KEYWORD_RANK[a.keyword] ?? 9) - (KEYWORD_RANK[b.keyword] ?? 9);
  })[0] as ErrorObject;
}

/**
 * Parses and validates a scenario file's text against the schema. Throws a ScenarioError naming
 * the file, line and column of the first problem; returns the data and a map back to the source
 * for the checks that come after the schema.
 */
export function parseScenario(file: string, text: string): { scenario: ScenarioFile; source: SourceMap } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const { line, col } = lines.linePos(syntax.pos[0]);
    throw new ScenarioError(file, line, col, `YAML: ${syntax.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS();
  const source = new YamlSourceMap(file, doc, lines);
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ScenarioError(file, 1, 1, 'a scenario is a mapping of keys (name, description, duration, …).');
  const errors = validate(data);
  if (errors.length > 0) {
    const { path, key, problem } = explain(bestError(errors), data);
    const { line, column } = source.at(path, key);
    throw new ScenarioError(file, line, column, problem);
  }
  // An entry may have 'for' besides its action, so the schema's property count cannot say it.
  const timeline = (data as { timeline?: unknown }).timeline;
  if (Array.isArray(timeline))
    timeline.forEach((entry: unknown, i) => {
      if (entry === null || typeof entry !== 'object') return;
      const actions = Object.keys(entry).filter((key) => key !== 'at' && key !== 'for');
      if (actions.length !== 1) {
        const { line, column } = source.at(['timeline', i], false);
        throw new ScenarioError(file, line, column, timelineEntryProblem(`timeline[${i}]`));
      }
    });
  return { scenario: data as ScenarioFile, source };
}
