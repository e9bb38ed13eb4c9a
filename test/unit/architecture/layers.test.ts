import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/cli.ts';

/*
 * The code is layered: a module imports only from its own layer or the layers below it, so that
 * types and data sit at the bottom and the composition of the whole run at the top. The layers,
 * bottom to top. A file belongs to the most specific entry that names it (a file, or a folder ending
 * in `/`); files of one layer import each other freely.
 */
const LAYERS: readonly { name: string; paths: readonly string[] }[] = [
  {
    name: 'root utilities',
    paths: [
      'src/errors.ts',
      'src/paths.ts',
      'src/clock.ts',
      'src/text.ts',
      'src/glob.ts',
      'src/ignore-file.ts',
      'src/json-stream.ts',
      'src/memory.ts',
      'src/version.ts',
      'src/yaml-source.ts',
      'src/change-context.ts',
    ],
  },
  { name: 'exec', paths: ['src/exec/'] },
  // Data: the pinned scanner versions, which the tool helpers check versions against.
  { name: 'scanner pins', paths: ['scanners/versions.json'] },
  { name: 'tools', paths: ['src/tools/'] },
  // The install steps each scanner's own recipe (scanners/<id>/install.ts) is built from; installing
  // the registry's scanners (scanners/install.ts) sits with the registry.
  { name: 'install steps', paths: ['src/install/'] },
  { name: 'scanners', paths: ['scanners/'] },
  { name: 'findings', paths: ['src/findings/'] },
  { name: 'catalog', paths: ['src/catalog/'] },
  { name: 'config', paths: ['src/config/'] },
  { name: 'controls', paths: ['src/controls/'] },
  { name: 'sarif', paths: ['src/sarif/'] },
  { name: 'bundle', paths: ['src/bundle/'] },
  { name: 'diff', paths: ['src/diff/'] },
  { name: 'runner', paths: ['src/runner/'] },
  { name: 'coverage', paths: ['src/coverage/'] },
  { name: 'pipeline', paths: ['src/pipeline/'] },
  { name: 'report', paths: ['src/report/'] },
  { name: 'evidence', paths: ['src/evidence/'] },
  // Merge records: what a platform says about a merged change, judged; written as a small bundle.
  { name: 'change management', paths: ['src/change-management/'] },
  // The audit period's population: bundles and records verified, deduplicated and reconciled.
  { name: 'audit', paths: ['src/audit/'] },
  { name: 'platforms', paths: ['src/platforms/'] },
  { name: 'gate', paths: ['src/gate/'] },
  { name: 'cli', paths: ['src/cli/'] },
  { name: 'entries', paths: ['src/main.ts', 'src/action.ts', 'src/index.ts', 'src/cli.ts'] },
];

/** Folders a platform must not reach into: it is handed the run's results, it does not make them. */
const RUN_BY_THE_GATE = ['src/pipeline/', 'src/evidence/', 'src/install/'];

/** Names of CI variables: only platforms/ reads the CI environment. */
const CI_NAME = /GITHUB_|GITLAB_|CI_[A-Z]/;

/*
 * Exceptions known and meant to go, each with what removes it. Each list names exactly what offends
 * today: an entry that no longer offends fails the test, so the lists only shrink.
 */

/** Upward imports. */
const KNOWN_UPWARD: readonly { from: string; to: string; until: string }[] = [];

/** Platform files that run the scan, the install or the evidence themselves instead of the gate. */
const KNOWN_PLATFORM_REACH: readonly string[] = [];

/** Files outside platforms/ that name CI variables. */
const KNOWN_CI_NAMES: readonly string[] = [];

/** Every file under `dir` (repository-relative, POSIX), scanned test data (`scanners/<id>/rules/`) left out. */
function filesUnder(dir: string): string[] {
  return readdirSync(path.join(REPO_ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) =>
      path.relative(REPO_ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'),
    )
    .filter((file) => !/^scanners\/[^/]+\/rules\//.test(file))
    .sort();
}

const SOURCES = [...filesUnder('src'), ...filesUnder('scanners')].filter((file) => file.endsWith('.ts'));

/** Static imports and re-exports (`from '…'`), side-effect imports (`import '…'`) and `import('…')`. */
const SPECIFIER =
  /\bfrom\s*['"]([^'"]+)['"]|\bimport\s*['"]([^'"]+)['"]|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

interface Edge {
  from: string;
  to: string;
}

/** Every relative import of the layered code, resolved to a repository-relative path. */
const EDGES: readonly Edge[] = SOURCES.flatMap((from) =>
  [...readFileSync(path.join(REPO_ROOT, from), 'utf8').matchAll(SPECIFIER)]
    .map((m) => m[1] ?? m[2] ?? m[3] ?? '')
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => ({
      from,
      to: path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier)),
    })),
);

/** The index in LAYERS of the most specific entry naming `file`; -1 for none. */
function layerOf(file: string): number {
  let best = -1;
  let bestLength = -1;
  LAYERS.forEach((layer, index) => {
    for (const p of layer.paths) {
      const matches = p.endsWith('/') ? file.startsWith(p) : file === p;
      if (matches && p.length > bestLength) {
        best = index;
        bestLength = p.length;
      }
    }
  });
  return best;
}

function describeFile(file: string): string {
  return `${file} (${LAYERS[layerOf(file)]?.name ?? 'no layer'})`;
}

/** Messages for what offends, and for known entries that no longer do. */
function againstKnown<T>(
  offending: readonly T[],
  known: readonly T[],
  key: (item: T) => string,
  describeItem: (item: T) => string,
  listName: string,
): string[] {
  const knownKeys = new Set(known.map(key));
  const offendingKeys = new Set(offending.map(key));
  return [
    ...offending.filter((item) => !knownKeys.has(key(item))).map(describeItem),
    ...known
      .filter((item) => !offendingKeys.has(key(item)))
      .map((item) => `${listName} lists ${key(item)}, which no longer offends: remove it from the list`),
  ];
}

describe('layers', () => {
  it('finds the imports it checks', () => {
    expect(SOURCES).toContain('src/pipeline/scan.ts');
    expect(SOURCES.some((file) => file.includes('/rules/'))).toBe(false);
    expect(EDGES).toContainEqual({ from: 'src/pipeline/policy.ts', to: 'src/config/load.ts' });
    expect(EDGES).toContainEqual({ from: 'src/cli.ts', to: 'src/main.ts' });
  });

  it('places every source file in a layer, and imports stay inside the layered code', () => {
    const problems = [
      ...SOURCES.filter((file) => layerOf(file) < 0).map(
        (file) => `${file} is in no layer: add it (or its folder) to LAYERS`,
      ),
      ...EDGES.filter(({ to }) => layerOf(to) < 0 && to !== 'package.json').map(
        ({ from, to }) => `${from} imports ${to}, which is in no layer`,
      ),
    ];
    expect(problems).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = EDGES.filter(({ from, to }) => layerOf(to) > layerOf(from));
    const problems = againstKnown(
      upward,
      KNOWN_UPWARD,
      ({ from, to }) => `${from} -> ${to}`,
      ({ from, to }) => `${describeFile(from)} imports ${describeFile(to)}, a higher layer`,
      'KNOWN_UPWARD',
    );
    expect(problems).toEqual([]);
  });

  it('keeps platforms/ out of the pipeline, the evidence and the install', () => {
    const reaching = EDGES.filter(
      ({ from, to }) =>
        from.startsWith('src/platforms/') && RUN_BY_THE_GATE.some((dir) => to.startsWith(dir)),
    );
    const offendingFiles = [...new Set(reaching.map(({ from }) => from))];
    const problems = againstKnown(
      offendingFiles,
      KNOWN_PLATFORM_REACH,
      (file) => file,
      (file) =>
        reaching
          .filter(({ from }) => from === file)
          .map(({ from, to }) => `${describeFile(from)} imports ${describeFile(to)}; the gate runs that`)
          .join('\n'),
      'KNOWN_PLATFORM_REACH',
    );
    expect(problems).toEqual([]);
  });

  it('names CI variables only in platforms/', () => {
    const naming = [...filesUnder('src'), ...SOURCES.filter((file) => file.startsWith('scanners/'))].filter(
      (file) =>
        !file.startsWith('src/platforms/') && CI_NAME.test(readFileSync(path.join(REPO_ROOT, file), 'utf8')),
    );
    const problems = againstKnown(
      naming,
      KNOWN_CI_NAMES,
      (file) => file,
      (file) =>
        `${file} names a CI variable (${CI_NAME.source}); only src/platforms/ reads the CI environment`,
      'KNOWN_CI_NAMES',
    );
    expect(problems).toEqual([]);
  });
});
