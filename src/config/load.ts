import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../errors.ts';
import { locateIssues, parseYamlSource } from '../yaml-source.ts';
import { type Config, configSchema } from './schema.ts';

export const CONFIG_FILE_NAMES = ['.controlgate.yml', '.controlgate.yaml'];

export interface LoadedConfig {
  config: Config;
  /** Absolute path of the file read, or undefined when defaults were used. */
  file?: string;
}

/** Parses and validates configuration text; every problem names the key path, line and expectation. */
export function parseConfig(text: string, file: string): Config {
  const source = parseYamlSource(text, file);
  const parsed = configSchema.safeParse(source.data);
  if (parsed.success) return parsed.data;
  throw new ConfigError(file, locateIssues(source, parsed.error.issues));
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
