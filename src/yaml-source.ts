import {
  type Document,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from 'yaml';
import type { z } from 'zod';
import { ConfigError, clipForMessage, PLAIN_KEY, quoteForMessage } from './errors.ts';

/*
 * Shared by every YAML file users write (.controlgate.yml, the waivers file): parse with line
 * numbers, and turn a key path into the line a reviewer should look at. It knows no schema of its
 * own, so it sits with the root utilities, below both config/ and findings/ (the waivers).
 */

export interface YamlSource {
  doc: Document;
  data: unknown;
  /** 1-based line of a key path: the key's own line for a map entry, else the node's first line. */
  lineOf(keys: readonly PropertyKey[], unknownKey?: string): number | undefined;
}

/**
 * Alias uses allowed while building the data, weighted by what each alias expands to (the yaml
 * library's measure). Configuration files reuse a list or two; a "billion laughs" document, whose
 * nested aliases would expand to gigabytes, goes over it at once.
 */
export const MAX_ALIAS_COUNT = 100;

/** Aliases the data cannot be built from: one with no anchor before it, or one inside its own anchor (a cycle). */
function aliasProblems(doc: Document, lineCounter: LineCounter): string[] {
  const anchors = new Map<string, Node>();
  const problems: string[] = [];
  visit(doc, (_key, node, ancestors) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      const line = lineCounter.linePos(node.range?.[0] ?? 0).line;
      const name = quoteForMessage(`*${node.source}`);
      if (!target) problems.push(`line ${line}: YAML aliases: ${name} has no anchor before it`);
      else if (ancestors.includes(target))
        problems.push(`line ${line}: YAML aliases: ${name} is inside its own anchor (a cycle)`);
    } else if (isNode(node) && node.anchor) anchors.set(node.anchor, node);
  });
  return problems;
}

/** Parses YAML text; a syntax error is a ConfigError naming the file and line. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  // A key written twice is an error: a reviewer reads the first, the parser would keep the last.
  // logLevel: the library would otherwise print warnings quoting the file's text to our stderr.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map(
        (e) =>
          `line ${lineCounter.linePos(e.pos[0]).line}: YAML syntax: ${clipForMessage(e.message.split('\n')[0] ?? '', 300)}`,
      ),
    );
  }
  const broken = aliasProblems(doc, lineCounter);
  if (broken.length > 0) throw new ConfigError(file, broken);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    // The library refuses exponential alias expansion with a ReferenceError; anything else is a bug.
    if (!(error instanceof ReferenceError)) throw error;
    let first: Node | undefined;
    visit(doc, {
      Alias: (_key, node) => {
        first = node;
        return visit.BREAK;
      },
    });
    const line = lineCounter.linePos(first?.range?.[0] ?? 0).line;
    throw new ConfigError(file, [
      `line ${line}: YAML aliases: they expand to too much data (over ${MAX_ALIAS_COUNT} weighted alias uses)`,
    ]);
  }
  const lineOf = (keys: readonly PropertyKey[], unknownKey?: string): number | undefined => {
    const last = keys[keys.length - 1];
    const node =
      (unknownKey !== undefined
        ? keyNodeAt(doc, keys, unknownKey)
        : typeof last === 'string'
          ? keyNodeAt(doc, keys.slice(0, -1), last)
          : undefined) ??
      nodeAt(doc, keys) ??
      nodeAt(doc, keys.slice(0, -1));
    return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
  };
  return { doc, data, lineOf };
}

/** The YAML node at a key path, if there is one. */
export function nodeAt(doc: Document, keys: readonly PropertyKey[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of keys) {
    if (isMap(node)) node = node.get(String(key), true);
    else if (isSeq(node)) node = node.get(Number(key), true);
    else return undefined;
  }
  return node as Node | undefined;
}

/** The key node of `key` inside the map at `keys` (its line is where a reader looks). */
export function keyNodeAt(doc: Document, keys: readonly PropertyKey[], key: string): Node | undefined {
  const map = keys.length === 0 ? doc.contents : nodeAt(doc, keys);
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

/** The plain value at a key path in parsed data. */
export function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key as string];
  }
  return value;
}

/** `scanners.custom[0].id` style rendering of a key path; a key that is not plain is quoted and cut short. */
export function keyPath(keys: readonly PropertyKey[]): string {
  const part = (k: PropertyKey, i: number) => {
    if (typeof k === 'number') return `[${k}]`;
    return PLAIN_KEY.test(String(k))
      ? `${i === 0 ? '' : '.'}${String(k)}`
      : `[${quoteForMessage(String(k))}]`;
  };
  return keys.map(part).join('') || '(top level)';
}

const MAX_LISTED_KEYS = 10;
const MAX_ISSUE_MESSAGE_CHARS = 300;

/** One zod issue as text that names what was expected and the bad value (zod's enum text omits it). */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const bad = valueAt(data, issue.path);
  const shown = bad === undefined ? '' : ` (got ${quoteForMessage(bad)})`;
  switch (issue.code) {
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      if (values.length === 1) return `expected ${values[0]}${shown}`;
      return values.length > 12
        ? `expected one of ${values.slice(0, 6).join(', ')}, … (${values.length} allowed values)${shown}`
        : `expected one of ${values.join(', ')}${shown}`;
    }
    case 'unrecognized_keys': {
      const listed = issue.keys.slice(0, MAX_LISTED_KEYS).map((k) => quoteForMessage(k));
      const more = issue.keys.length > MAX_LISTED_KEYS ? `, … (${issue.keys.length} in all)` : '';
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${listed.join(', ')}${more}`;
    }
    default:
      // Our own refinements may quote a key or value the file gave: keep a flood out of the message.
      return `${clipForMessage(issue.message, MAX_ISSUE_MESSAGE_CHARS)}${shown}`;
  }
}

/** Formats zod issues against their YAML source: `line N: key.path: what was expected (got …)`. */
export function locateIssues(source: YamlSource, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const line = source.lineOf(issue.path, issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined);
    return `${line === undefined ? '' : `line ${line}: `}${keyPath(issue.path)}: ${describeIssue(issue, source.data)}`;
  });
}
