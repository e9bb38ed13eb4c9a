import semver from 'semver';
import pinned from '../../scanners/versions.json' with { type: 'json' };

/** A scanner's pin, in its folder (scanners/<id>/pin.json). */
export interface PinnedTool {
  version: string;
  /** Range of versions found on PATH that are good enough to use instead of installing. */
  accepts: string;
}

/** A Go module pinned the way go.sum pins it: the tree's and the go.mod's `h1:` hashes. */
export interface PinnedGoModule extends PinnedTool {
  module: string;
  /** Package inside the module that builds the binary. */
  package: string;
  sum: string;
  goModSum: string;
}

/** The full dependency closure of semgrep and bandit[sarif]; scanners/python-scanners.lock hashes it. */
export const PYTHON_REQUIREMENTS: readonly string[] = pinned.python.requirements;

/** compliance-trestle (a test tool) and its closure; scanners/python-trestle.lock hashes it. */
export const TRESTLE: { version: string; requirements: readonly string[] } = pinned.trestle;

/** check-jsonschema (a test tool) and its closure; scanners/python-check-jsonschema.lock hashes it. */
export const CHECK_JSONSCHEMA: { version: string; requirements: readonly string[] } =
  pinned['check-jsonschema'];

/** True when `version` (as a tool printed it) is inside the accepted range. */
export function versionFits(version: string, accepts: string): boolean {
  const parsed = semver.coerce(version);
  return parsed !== null && semver.satisfies(parsed, accepts);
}

/** Pulls the first x.y.z out of a tool's `--version` output. */
export function parseVersion(output: string): string | undefined {
  return /\bv?(\d+\.\d+\.\d+)\b/.exec(output)?.[1];
}
