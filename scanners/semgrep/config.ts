import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { commonOptions, commonSettings, scannerConfig } from '../settings.ts';
import type { ScannerOptions } from '../types.ts';
import type { SemgrepIgnore } from './ignore.ts';

/** Semgrep's options: the common ones and the rule configs it runs. */
export interface SemgrepOptions extends ScannerOptions {
  /** "builtin" (our pack), local paths (absolute once configured) or registry packs; default builtin. */
  configs?: string[];
  /**
   * What Semgrep run on the folder would leave out (its `.semgrepignore` files, else its default list):
   * set by the pipeline for each run (src/pipeline/semgrep-ignore.ts); none: every file is given.
   */
  ignore?: SemgrepIgnore;
}

/** Whether a configs entry may name a file or folder: not our pack, a registry pack or a URL. */
export function isLocalRuleConfig(config: string): boolean {
  return !(config === 'builtin' || /^(p|r|s)\//.test(config) || /^https?:/.test(config));
}

/** Local rule paths become absolute, so a scan of the base (in another folder) uses the same rules. */
function ruleConfig(config: string, root: string): string {
  if (!isLocalRuleConfig(config)) return config;
  const local = path.resolve(root, config);
  return existsSync(local) ? local : config;
}

/** `scanners.semgrep` in .controlgate.yml. */
export const semgrepConfig = scannerConfig(
  z.strictObject({
    ...commonSettings,
    /** Rule configs: "builtin" (controlgate's pack), local paths, or registry packs such as "p/python" where CI has internet. */
    configs: z
      .array(z.string().min(1))
      .min(1)
      .default(() => ['builtin']),
  }),
  (settings, root): SemgrepOptions => ({
    ...commonOptions(settings),
    configs: settings.configs.map((config) => ruleConfig(config, root)),
  }),
);
