import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';

/*
 * Shared by every YAML file users write (.controlgate.yml, the waivers file): parse with line
 * numbers, and turn a key path into the line a reviewer should look at.
 */

export interface YamlSource {
  doc: Document;
  data: unknown;
  /** 1-based line of a key path: the key's own line for a map entry, else the node's first line. */
  lineOf(keys: readonly PropertyKey[], unknownKey?: string): number | undefined;
}

/** Parses YAML text; a syntax error is a ConfigError naming the file and line. */
export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map(
        (e) => `line ${lineCounter.linePos(e.pos[0]).line}: YAML syntax: ${e.message.split('\n')[0]}`,
      ),
    );
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
  return { doc, data: doc.toJS() ?? {}, lineOf };
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

/** `scanners.custom[0].id` style rendering of a key path. */
export function keyPath(keys: readonly PropertyKey[]): string {
  return (
    keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('') ||
    '(top level)'
  );
}

/** One zod issue as text that names what was expected and the bad value (zod's enum text omits it). */
export function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  const bad = valueAt(data, issue.path);
  const shown = bad === undefined ? '' : ` (got ${JSON.stringify(bad)})`;
  switch (issue.code) {
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      if (values.length === 1) return `expected ${values[0]}${shown}`;
      return values.length > 12
        ? `expected one of ${values.slice(0, 6).join(', ')}, … (${values.length} allowed values)${shown}`
        : `expected one of ${values.join(', ')}${shown}`;
    }
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return `${issue.message}${shown}`;
  }
}

/** Formats zod issues against their YAML source: `line N: key.path: what was expected (got …)`. */
export function locateIssues(source: YamlSource, issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((issue) => {
    const line = source.lineOf(issue.path, issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined);
    return `${line === undefined ? '' : `line ${line}: `}${keyPath(issue.path)}: ${describeIssue(issue, source.data)}`;
  });
}
