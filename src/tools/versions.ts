import semver from 'semver';
import pinned from '../../scanners/versions.json' with { type: 'json' };

export interface PinnedTool {
  version: string;
  /** Range of versions found on PATH that are good enough to use instead of installing. */
  accepts: string;
}

export const PINNED = {
  semgrep: pinned.semgrep,
  bandit: pinned.bandit,
  kics: pinned.kics,
} satisfies Record<string, PinnedTool>;

export const PYTHON_REQUIREMENTS: readonly string[] = pinned.python.requirements;

/** True when `version` (as a tool printed it) is inside the accepted range. */
export function versionFits(version: string, accepts: string): boolean {
  const parsed = semver.coerce(version);
  return parsed !== null && semver.satisfies(parsed, accepts);
}

/** Pulls the first x.y.z out of a tool's `--version` output. */
export function parseVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)\b/.exec(output)?.[1];
}
