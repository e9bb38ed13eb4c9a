import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { type Config, configSchema } from './schema.ts';

export const CONFIG_FILE_NAMES = ['.controlgate.yml', '.controlgate.yaml'];

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or undefined when defaults were used. */
  file?: string;
}

function nodeAt(doc: ReturnType<typeof parseDocument>, keys: readonly PropertyKey[]): Node | undefined {
  let node: unknown = doc.contents;
  for (const key of keys) {
    if (isMap(node)) node = node.get(String(key), true);
    else if (isSeq(node)) node = node.get(Number(key), true);
    else return undefined;
  }
  return node as Node | undefined;
}

function keyNodeAt(
  doc: ReturnType<typeof parseDocument>,
  keys: readonly PropertyKey[],
  key: string | undefined,
): Node | undefined {
  const map = keys.length === 0 ? doc.contents : nodeAt(doc, keys);
  if (!isMap(map) || key === undefined) return undefined;
  const pair = map.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

function valueAt(data: unknown, keys: readonly PropertyKey[]): unknown {
  let value = data;
  for (const key of keys) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[key as string];
  }
  return value;
}

function keyPath(keys: readonly PropertyKey[]): string {
  return (
    keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i === 0 ? '' : '.'}${String(k)}`)).join('') ||
    '(top level)'
  );
}

function describe(issue: z.core.$ZodIssue, data: unknown): string {
  const bad = valueAt(data, issue.path);
  const shown = bad === undefined ? '' : ` (got ${JSON.stringify(bad)})`;
  switch (issue.code) {
    case 'invalid_value':
      // zod's enum message leaves the offending value out; reviewers need it.
      return issue.values.length > 12
        ? `expected one of ${issue.values
            .slice(0, 6)
            .map((v) => JSON.stringify(v))
            .join(', ')}, … (${issue.values.length} allowed values)${shown}`
        : `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${shown}`;
    case 'unrecognized_keys':
      return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    default:
      return `${issue.message}${shown}`;
  }
}

/** Parses and validates configuration text; every problem names the key path, line and expectation. */
export function parseConfig(text: string, file: string): Config {
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
  const data: unknown = doc.toJS() ?? {};
  const parsed = configSchema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    file,
    parsed.error.issues.map((issue) => {
      const keys = issue.path;
      // For an unknown key zod points at the enclosing map; the line that matters is the key's own.
      // A map entry is reported on its key's line (its value may start on the next one).
      const last = keys[keys.length - 1];
      const node =
        (issue.code === 'unrecognized_keys'
          ? keyNodeAt(doc, keys, issue.keys[0])
          : typeof last === 'string'
            ? keyNodeAt(doc, keys.slice(0, -1), last)
            : undefined) ??
        nodeAt(doc, keys) ??
        nodeAt(doc, keys.slice(0, -1));
      const line = node?.range ? `line ${lineCounter.linePos(node.range[0]).line}: ` : '';
      return `${line}${keyPath(keys)}: ${describe(issue, data)}`;
    }),
  );
}

/**
 * Finds the configuration: an explicit --config file, else `.controlgate.yml` in the scanned path,
 * else at the repository root; none found means the defaults.
 */
export async function loadConfig(options: {
  explicit?: string;
  target: string;
  root: string;
}): Promise<LoadedConfig> {
  let file = options.explicit ? path.resolve(options.explicit) : undefined;
  if (!file) {
    const dirs = [options.target, options.root];
    file = dirs.flatMap((d) => CONFIG_FILE_NAMES.map((n) => path.join(d, n))).find((f) => existsSync(f));
  }
  if (!file) return { config: configSchema.parse({}) };
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new ConfigError(file, ['cannot read the file']);
  }
  return { config: parseConfig(text, file), file };
}
