import { z } from 'zod';
import { commonOptions, commonSettings, scannerConfig } from '../settings.ts';
import type { ScannerOptions } from '../types.ts';

/** The cloud providers KICS's `--cloud-provider` knows (`kics scan --help`, KICS 2.2.0). */
export const KICS_CLOUD_PROVIDERS = ['alicloud', 'aws', 'azure', 'gcp', 'nifcloud', 'tencentcloud'] as const;

export type KicsCloudProvider = (typeof KICS_CLOUD_PROVIDERS)[number];

/**
 * Which cloud providers' queries KICS loads: `auto` (those the scanned files use, else all of
 * them), `all`, or a list the policy fixes (queries of a provider left out never run, whatever the
 * files hold).
 */
export type KicsCloudProviders = 'auto' | 'all' | KicsCloudProvider[];

/** KICS's options: the common ones and the cloud providers whose queries it loads (default auto). */
export interface KicsOptions extends ScannerOptions {
  cloudProviders?: KicsCloudProviders;
}

const EXPECTED = `expected "auto", "all" or a list of ${KICS_CLOUD_PROVIDERS.join(', ')} (KICS's --cloud-provider values)`;

const providerList = z
  .array(z.enum(KICS_CLOUD_PROVIDERS))
  .min(1, { error: `${EXPECTED}; the list is empty` });

/** The problem with a `cloudProviders` value, naming the entry a list got wrong. */
function providersProblem(input: unknown): string | undefined {
  if (input === undefined) return undefined;
  if (!Array.isArray(input)) return `${EXPECTED}; got ${JSON.stringify(input)}`;
  const known: readonly unknown[] = KICS_CLOUD_PROVIDERS;
  const bad = input.flatMap((value, i) => (known.includes(value) ? [] : [`[${i}] ${JSON.stringify(value)}`]));
  return bad.length > 0 ? `${EXPECTED}; not a provider: ${bad.join(', ')}` : `${EXPECTED}; the list is empty`;
}

/** `scanners.kics` in .controlgate.yml. */
export const kicsConfig = scannerConfig(
  z.strictObject({
    ...commonSettings,
    /**
     * Cloud providers whose queries KICS loads. Compiling queries is most of KICS's time (some 35 s
     * for all of them), and a Terraform file for one cloud needs only that cloud's and the common ones.
     */
    cloudProviders: z
      .union([z.literal(['auto', 'all']), providerList], { error: (issue) => providersProblem(issue.input) })
      .default('auto'),
  }),
  (settings): KicsOptions => ({
    ...commonOptions(settings),
    cloudProviders: Array.isArray(settings.cloudProviders)
      ? [...new Set(settings.cloudProviders)].sort()
      : settings.cloudProviders,
  }),
);
