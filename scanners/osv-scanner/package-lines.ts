import { lockfileKind } from './lockfiles.ts';

/** PEP 503's normal form of a Python package name: pip treats `Jinja2`, `jinja2` and `jinja_2` alike. */
export function normalizePypiName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How far below an entry's first line its version may be written (lockfile entries are short). */
const ENTRY_LINES = 6;

/**
 * The 1-based line of a package's entry in a dependency file, so the finding points at what to
 * change: among the lines that start an entry for `name`, the first whose entry names `version`,
 * else the first of them, else line 1 (the file as a whole).
 */
export function packageLine(file: string, text: string, name: string, version: string): number {
  const lines = text.split(/\r?\n/);
  const starts = entryStarts(file, lines, name, version);
  // An entry ends where the next entry for the name begins (a nested copy right after it).
  const withVersion = starts.find((i, k) =>
    lines
      .slice(i, Math.min(i + ENTRY_LINES, starts[k + 1] ?? lines.length))
      .some((line) => mentionsVersion(line, version)),
  );
  const found = withVersion ?? starts[0];
  return found === undefined ? 1 : found + 1;
}

function mentionsVersion(line: string, version: string): boolean {
  return new RegExp(`(^|[^\\w.])v?${escapeRegex(version)}(?![\\w.]*\\d)`).test(line);
}

/** The 0-based lines that begin an entry for `name` in this kind of file. */
function entryStarts(file: string, lines: readonly string[], name: string, version: string): number[] {
  const test = entryTest(lockfileKind(file)?.parseAs, name, version);
  return lines.flatMap((line, i) => (test(line) ? [i] : []));
}

function entryTest(parseAs: string | undefined, name: string, version: string): (line: string) => boolean {
  const n = escapeRegex(name);
  switch (parseAs) {
    case 'package-lock.json': {
      // v2/v3 keys are install paths ("node_modules/a/node_modules/lodash"); v1 nests "lodash": {.
      const key = new RegExp(`^\\s*"(?:[^"]*node_modules/)?${n}"\\s*:\\s*\\{`);
      return (line) => key.test(line);
    }
    case 'yarn.lock': {
      // Classic: `lodash@^4.17.0, lodash@~4.17.20:`; berry: `"lodash@npm:^4.17.0":`.
      const header = new RegExp(`^"?${n}@`);
      return (line) => header.test(line) || new RegExp(`,\\s*"?${n}@`).test(line);
    }
    case 'pnpm-lock.yaml':
    case 'bun.lock': {
      // pnpm: `/lodash@4.17.20:`, `/lodash/4.17.20:` (v5) or `lodash@4.17.20:` (v9); bun: `"lodash": [`.
      const key = new RegExp(`^\\s*['"]?/?${n}(?:@|/)${escapeRegex(version)}\\b|^\\s*"${n}"\\s*:\\s*\\[`);
      return (line) => key.test(line);
    }
    case 'requirements.txt': {
      const wanted = normalizePypiName(name);
      return (line) => {
        const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[=<>!~;@]|$)/.exec(line);
        return match?.[1] !== undefined && normalizePypiName(match[1]) === wanted;
      };
    }
    case 'poetry.lock':
    case 'uv.lock':
    case 'pdm.lock':
    case 'pylock.toml':
    case 'Cargo.lock': {
      const python = parseAs !== 'Cargo.lock';
      const wanted = python ? normalizePypiName(name) : name;
      return (line) => {
        const match = /^\s*name\s*=\s*"([^"]+)"/.exec(line);
        return match?.[1] !== undefined && (python ? normalizePypiName(match[1]) : match[1]) === wanted;
      };
    }
    case 'Pipfile.lock': {
      const wanted = normalizePypiName(name);
      return (line) => {
        const match = /^\s*"([^"]+)"\s*:\s*\{/.exec(line);
        return match?.[1] !== undefined && normalizePypiName(match[1]) === wanted;
      };
    }
    case 'go.mod': {
      // `require golang.org/x/text v0.3.7` or a line of a require block.
      const requirement = new RegExp(`^\\s*(?:require\\s+)?${n}\\s+v`);
      return (line) => requirement.test(line);
    }
    case 'pom.xml': {
      const artifact = name.split(':')[1] ?? name;
      const tag = new RegExp(`<artifactId>\\s*${escapeRegex(artifact)}\\s*</artifactId>`);
      return (line) => tag.test(line);
    }
    case 'gradle.lockfile': {
      const coordinates = new RegExp(`^${n}:`);
      return (line) => coordinates.test(line);
    }
    case 'composer.lock': {
      const entry = new RegExp(`^\\s*"name"\\s*:\\s*"${n}"`);
      return (line) => entry.test(line);
    }
    case 'Gemfile.lock': {
      const spec = new RegExp(`^\\s{4}${n} \\(`);
      return (line) => spec.test(line);
    }
    default:
      return () => false;
  }
}
