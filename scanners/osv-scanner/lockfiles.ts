import path from 'node:path';

/**
 * A dependency file OSV-Scanner reads: the parser it is named to (`-L <parseAs>:<path>`, OSV-Scanner
 * 2.5.0's names in pkg/osvscanner/internal/scanners/lockfile.go) and the OSV ecosystem of its packages.
 */
export interface LockfileKind {
  parseAs: string;
  ecosystem: string;
}

/** By file name: the lockfiles and manifests whose versions are pinned enough to be matched. */
const BY_NAME: ReadonlyMap<string, LockfileKind> = new Map([
  ['package-lock.json', { parseAs: 'package-lock.json', ecosystem: 'npm' }],
  // The same format under another name; OSV-Scanner's package-lock parser reads it as is.
  ['npm-shrinkwrap.json', { parseAs: 'package-lock.json', ecosystem: 'npm' }],
  ['yarn.lock', { parseAs: 'yarn.lock', ecosystem: 'npm' }],
  ['pnpm-lock.yaml', { parseAs: 'pnpm-lock.yaml', ecosystem: 'npm' }],
  ['bun.lock', { parseAs: 'bun.lock', ecosystem: 'npm' }],
  ['poetry.lock', { parseAs: 'poetry.lock', ecosystem: 'PyPI' }],
  ['uv.lock', { parseAs: 'uv.lock', ecosystem: 'PyPI' }],
  ['Pipfile.lock', { parseAs: 'Pipfile.lock', ecosystem: 'PyPI' }],
  ['pdm.lock', { parseAs: 'pdm.lock', ecosystem: 'PyPI' }],
  ['pylock.toml', { parseAs: 'pylock.toml', ecosystem: 'PyPI' }],
  ['go.mod', { parseAs: 'go.mod', ecosystem: 'Go' }],
  ['pom.xml', { parseAs: 'pom.xml', ecosystem: 'Maven' }],
  ['gradle.lockfile', { parseAs: 'gradle.lockfile', ecosystem: 'Maven' }],
  ['Cargo.lock', { parseAs: 'Cargo.lock', ecosystem: 'crates.io' }],
  ['composer.lock', { parseAs: 'composer.lock', ecosystem: 'Packagist' }],
  ['Gemfile.lock', { parseAs: 'Gemfile.lock', ecosystem: 'RubyGems' }],
  ['gems.locked', { parseAs: 'Gemfile.lock', ecosystem: 'RubyGems' }],
]);

const REQUIREMENTS: LockfileKind = { parseAs: 'requirements.txt', ecosystem: 'PyPI' };

/**
 * The kind of a dependency file, or undefined when OSV-Scanner is not given it. pip's requirement
 * files go by many names: `requirements*.txt`, and any `.txt` in a `requirements/` folder
 * (`requirements/dev.txt`), the two layouts pip projects use.
 */
export function lockfileKind(file: string): LockfileKind | undefined {
  const base = path.basename(file);
  const known = BY_NAME.get(base);
  if (known) return known;
  if (/^requirements[\w.-]*\.txt$/i.test(base)) return REQUIREMENTS;
  if (base.toLowerCase().endsWith('.txt') && path.basename(path.dirname(file)) === 'requirements') {
    return REQUIREMENTS;
  }
  return undefined;
}

/** The dependency files among `files`. */
export function selectLockfiles(files: readonly string[]): string[] {
  return files.filter((file) => lockfileKind(file) !== undefined);
}

/**
 * The `-L` value naming one file: always `<parser>:<path>`. OSV-Scanner cuts the value at its first
 * colon, so a bare path holding a colon would be misread; naming the parser also keeps it from
 * guessing by name (`requirements-dev.txt`, `npm-shrinkwrap.json`).
 */
export function lockfileArg(file: string): string {
  const kind = lockfileKind(file);
  if (!kind) throw new Error(`unreachable: ${file} is not a dependency file OSV-Scanner reads`);
  return `${kind.parseAs}:${file}`;
}
