import { z } from 'zod';
import type { CommonSettings, ScannerOptions } from './types.ts';

/** The keys every scanner's section of .controlgate.yml has, with their defaults. */
export const commonSettings = {
  enabled: z.boolean().default(true),
  /** Seconds before the scanner and all its child processes are killed. */
  timeout: z.number().int().positive().default(900),
  /** Extra command-line arguments appended to the scanner's own. */
  args: z.array(z.string()).default(() => []),
};

/** The options every run gets from the common keys. */
export function commonOptions(settings: CommonSettings): ScannerOptions {
  return { timeoutSeconds: settings.timeout, extraArgs: settings.args };
}

/**
 * Declares a scanner's section: its schema and how a parsed section becomes its options. Typed by
 * the schema, so the plugin reads its own keys without casts.
 */
export function scannerConfig<Schema extends z.ZodType<CommonSettings>, Options extends ScannerOptions>(
  schema: Schema,
  options: (settings: z.output<Schema>, root: string) => Options,
): { schema: Schema; options(settings: z.output<Schema>, root: string): Options } {
  return { schema, options };
}

/** The section of a scanner with no keys of its own (Bandit). */
export const plainConfig = scannerConfig(z.strictObject(commonSettings), (settings) =>
  commonOptions(settings),
);
