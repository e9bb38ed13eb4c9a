import { z } from 'zod';
import { BUILTIN_PLUGINS, type BuiltinScanner } from '../../scanners/index.ts';
import { DEFAULT_EXCLUDED_FOLDERS } from './default-excludes.ts';
import {
  criterionId,
  globString,
  mappingOverrideSchema,
  OPT_IN_CATEGORIES,
  policySchema,
} from './policy-schema.ts';

/*
 * The `.controlgate.yml` schema. Strict objects: a misspelt key is an error that names it, not a
 * silently ignored setting. Defaults live here so every consumer sees one fully-typed object; each
 * built-in scanner's section comes from its plugin (scanners/<id>/), custom scanners are declared here.
 */

const seconds = z.number().int().positive();

type Builtins = typeof BUILTIN_PLUGINS;
type BuiltinSections = { [Id in keyof Builtins]: z.ZodDefault<Builtins[Id]['config']['schema']> };
type BuiltinDefaults = { [Id in keyof Builtins]: z.output<Builtins[Id]['config']['schema']> };

/** Each built-in scanner's section under its key, as its plugin declares it. */
function builtinEntries(): [string, BuiltinScanner][] {
  return Object.entries(BUILTIN_PLUGINS);
}

/** Every built-in section's defaults; a fresh object per call, since zod copies a default only one level deep. */
function builtinDefaults(): BuiltinDefaults {
  return Object.fromEntries(
    builtinEntries().map(([id, { config }]) => [id, config.schema.parse({})]),
  ) as BuiltinDefaults;
}

/** The `scanners:` keys of the built-ins: an omitted section takes its plugin's defaults. */
function builtinSections(): BuiltinSections {
  return Object.fromEntries(
    builtinEntries().map(([id, { config }]) => [id, config.schema.default(() => config.schema.parse({}))]),
  ) as BuiltinSections;
}

const customScanner = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'lower-case letters, digits and dashes, starting with a letter'),
  name: z.string().optional(),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  sarif: z.string().min(1).default('{outDir}/output.sarif'),
  cleanExitCodes: z.array(z.number().int()).default([0]),
  findingsExitCodes: z.array(z.number().int()).default([1]),
  include: z.array(globString).optional(),
  versionArgs: z.array(z.string()).optional(),
  /** file: results depend on each file alone, so pull requests scan only changed files; tree: always everything. */
  scope: z.enum(['file', 'tree']).default('tree'),
  /**
   * Variables of the job's environment the command may see besides PATH, HOME, the locale, the temp
   * folder, certificates and proxies: names, or prefixes ending in `*`. Credential-like names never pass.
   */
  env: z
    .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*\*?$/, 'a variable name, or a prefix ending in *'))
    .default(() => []),
  /** SOC 2 criteria this scanner can produce evidence for. */
  covers: z
    .array(criterionId)
    .min(1)
    .default(() => ['CC7.1']),
  enabled: z.boolean().default(true),
  timeout: seconds.default(900),
});

export const configSchema = z.strictObject({
  version: z.literal(1).default(1),
  scanners: z
    .strictObject({
      ...builtinSections(),
      custom: z.array(customScanner).default(() => []),
    })
    .default(() => ({ ...builtinDefaults(), custom: [] })),
  /** How many scanners run at once; default: all of them. */
  concurrency: z.number().int().min(1).max(32).optional(),
  /** Globs (relative to the scanned path's repository root) never scanned. */
  exclude: z.array(globString).default(() => []),
  /**
   * Folder names the file walk never enters, anywhere in the tree (third-party packages, caches).
   * The defaults and their reasons are in default-excludes.ts; `.git` is always skipped.
   */
  excludeFolders: z
    .array(
      z
        .string()
        .min(1)
        .regex(/^[^/\\*?[\]{}]+$/, 'a folder name (no slash or glob characters), e.g. node_modules'),
    )
    .default(() => DEFAULT_EXCLUDED_FOLDERS.map((f) => f.name)),
  /** Trust Services categories in scope besides Security, which always is. */
  scope: z.array(z.enum(OPT_IN_CATEGORIES)).default(() => []),
  /** Which criteria block, at what severity, and what a failed scanner means. */
  policy: policySchema.default(() => policySchema.parse({})),
  /** Changes to the shipped mapping, applied in order after it. */
  mapping: z.array(mappingOverrideSchema).default(() => []),
  /**
   * One finding per problem: findings of different tools on overlapping lines of one file about the
   * same weakness (related CWEs, or rules the mapping pairs in `sameProblem`) are judged and shown once.
   */
  merge: z
    .strictObject({
      enabled: z.boolean().default(true),
      /**
       * The merged problem's severity. highest: the most severe of its tools' (after mapping
       * overrides). prefer: the first tool listed in `prefer` that reported it, else the highest.
       */
      severity: z.enum(['highest', 'prefer']).default('highest'),
      prefer: z.array(z.string().min(1)).default(() => []),
    })
    .default(() => ({ enabled: true, severity: 'highest' as const, prefer: [] })),
  /** Comparing with the base of a pull/merge request (`--base`, or the CI event). */
  changes: z
    .strictObject({
      /**
       * diff: only findings the change introduces can fail a criterion; existing ones are reported
       * as debt. full: every finding is judged, as on a push to the default branch.
       */
      mode: z.enum(['diff', 'full']).default('diff'),
      /** Globs (relative to the repository root) scanned on every change, touched or not. */
      alwaysScan: z.array(globString).default(() => []),
    })
    .default(() => ({ mode: 'diff' as const, alwaysScan: [] })),
  /** Waivers file, relative to this configuration file (default: .controlgate-waivers.yml beside it). */
  waivers: z.string().min(1).optional(),
});

export type Config = z.infer<typeof configSchema>;
export type CustomScannerConfig = z.infer<typeof customScanner>;
