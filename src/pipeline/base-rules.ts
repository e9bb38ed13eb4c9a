import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isLocalRuleConfig } from '../../scanners/semgrep/config.ts';
import type { PolicyDifference } from '../config/policy-diff.ts';
import type { Git } from '../diff/git.ts';
import { toPosix } from '../paths.ts';

/*
 * Semgrep's local rules judge a change as much as the configuration that names them. On a change,
 * every `scanners.semgrep.configs` entry that is a path in the repository is read from the base
 * commit's objects (never the checkout) into this run's scratch folder, and Semgrep reads that copy.
 * What the change did to those files is a proposal. A path the base does not have has no reviewed
 * rules: Semgrep does not run, so its criteria are not evaluated.
 */

/** Semgrep's rule configs as the base commit has them. */
export interface PinnedRules {
  /** `scanners.semgrep.configs`, each repository path replaced by its base copy (absolute). */
  configs: string[];
  /** The copy's stand-in for the workspace root: evidence names copied rule files relative to it. */
  root: string;
  /** What the change did to the files under those paths, as proposals. */
  changes: PolicyDifference[];
  /** Why Semgrep must not run (a path the base does not have); undefined when it may. */
  refused?: string;
}

export interface RulesContext {
  git: Git;
  /** The repository's top folder, links resolved. */
  repoRoot: string;
  commit: string;
  /** The workspace root, which configs are resolved against (scanners/semgrep/config.ts). */
  root: string;
  /** Where base copies go: a scratch folder of this run, laid out like the repository. */
  dir: string;
}

interface TreeEntry {
  mode: string;
  object: string;
  path: string;
}

const SYMLINK = '120000';
/** Links followed from a config path to what it names at the base, at most. */
const MAX_LINKS = 8;

function inside(rel: string): boolean {
  return !(rel === '..' || rel.startsWith('../') || path.isAbsolute(rel));
}

/** The repository path (POSIX, '' for the top) of an absolute path, or undefined outside it. */
function repositoryPath(ctx: RulesContext, absolute: string): string | undefined {
  const candidates = [absolute];
  // A config may be written with the workspace's unresolved path (a linked tmp folder).
  const fromRoot = path.relative(ctx.root, absolute);
  if (inside(toPosix(fromRoot))) candidates.push(path.join(realpathSync(ctx.root), fromRoot));
  for (const candidate of candidates) {
    const rel = toPosix(path.relative(ctx.repoRoot, candidate));
    if (inside(rel)) return rel;
  }
  return undefined;
}

/** The blobs of `commit` at `rel`: the file itself, or every file under the folder. */
async function entriesAt(git: Git, commit: string, rel: string): Promise<TreeEntry[]> {
  const listed = await git.run(['ls-tree', '-r', '-z', '--full-tree', commit, ...(rel ? ['--', rel] : [])]);
  const entries: TreeEntry[] = [];
  for (const record of listed.split('\0')) {
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', type = '', object = ''] = record.slice(0, tab).split(' ');
    const file = record.slice(tab + 1);
    // Submodules (commits) hold no rules of this repository.
    if (type !== 'blob') continue;
    if (rel === '' || file === rel || file.startsWith(`${rel}/`)) entries.push({ mode, object, path: file });
  }
  return entries;
}

/** Where a link at the base points: a repository path, or an absolute path outside the repository. */
function linkTarget(ctx: RulesContext, link: string, target: string): { rel: string } | { outside: string } {
  const absolute = path.resolve(ctx.repoRoot, path.posix.dirname(link), target);
  const rel = toPosix(path.relative(ctx.repoRoot, absolute));
  return inside(rel) ? { rel } : { outside: absolute };
}

/** What a config path names at the base: its blobs (links followed), or a path outside the repository. */
async function resolveAtBase(
  ctx: RulesContext,
  rel: string,
): Promise<{ rel: string; entries: TreeEntry[] } | { outside: string }> {
  let current = rel;
  for (let hop = 0; ; hop++) {
    const entries = await entriesAt(ctx.git, ctx.commit, current);
    const only = entries.length === 1 ? entries[0] : undefined;
    if (!only || only.path !== current || only.mode !== SYMLINK || hop === MAX_LINKS)
      return { rel: current, entries };
    const next = linkTarget(ctx, current, await ctx.git.run(['cat-file', 'blob', only.object]));
    if ('outside' in next) return next;
    current = next.rel;
  }
}

/** The text of each file under `absolute` in the checkout, by its path below it ('' for a file). */
async function headFiles(absolute: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const info = statSync(absolute, { throwIfNoEntry: false });
  if (info?.isFile()) files.set('', await readFile(absolute, 'utf8'));
  if (!info?.isDirectory()) return files;
  for (const name of readdirSync(absolute, { recursive: true, encoding: 'utf8' }).sort()) {
    const file = path.join(absolute, name);
    if (statSync(file, { throwIfNoEntry: false })?.isFile())
      files.set(toPosix(name), await readFile(file, 'utf8'));
  }
  return files;
}

/** Writes the base's blobs under `rel` into the copy; returns their text by path below `rel`. */
async function copyFromBase(
  ctx: RulesContext,
  rel: string,
  entries: TreeEntry[],
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of entries) {
    let text = await ctx.git.run(['cat-file', 'blob', entry.object]);
    if (entry.mode === SYMLINK) {
      // A link among the rules stands for the file it names at the base, when that is one.
      const target = linkTarget(ctx, entry.path, text);
      const linked = 'rel' in target ? await ctx.git.fileAt(ctx.commit, target.rel) : undefined;
      if (linked === undefined) continue;
      text = linked;
    }
    const copy = path.join(ctx.dir, ...entry.path.split('/'));
    await mkdir(path.dirname(copy), { recursive: true });
    await writeFile(copy, text);
    files.set(rel === '' ? entry.path : entry.path.slice(rel.length).replace(/^\//, ''), text);
  }
  return files;
}

/** The change's edits to the files under one config path, as proposals. */
function differences(
  shown: string,
  base: Map<string, string>,
  head: Map<string, string>,
): PolicyDifference[] {
  const changes: PolicyDifference[] = [];
  for (const sub of [...new Set([...base.keys(), ...head.keys()])].sort()) {
    const file = sub === '' ? shown : path.posix.join(shown, sub);
    const key = `scanners.semgrep.configs.${file}`;
    const before = base.get(sub);
    const after = head.get(sub);
    if (before === after) continue;
    if (before === undefined) changes.push({ key, change: 'added', after: JSON.stringify(file) });
    else if (after === undefined) changes.push({ key, change: 'removed', before: JSON.stringify(file) });
    else
      changes.push({
        key,
        change: 'changed',
        before: JSON.stringify(`${file} at the base`),
        after: JSON.stringify(file),
      });
  }
  return changes;
}

/** Semgrep's rule configs with every repository path read from the base commit into `ctx.dir`. */
export async function semgrepRulesFromBase(
  configs: readonly string[],
  ctx: RulesContext,
): Promise<PinnedRules> {
  const changes: PolicyDifference[] = [];
  const missing: string[] = [];
  const pinned: string[] = [];
  for (const config of configs) {
    const absolute = path.resolve(ctx.root, config);
    const rel = isLocalRuleConfig(config) ? repositoryPath(ctx, absolute) : undefined;
    if (rel === undefined) {
      pinned.push(config); // our pack, a registry pack, a URL, or rules outside the repository
      continue;
    }
    const resolved = await resolveAtBase(ctx, rel);
    if ('outside' in resolved) {
      pinned.push(resolved.outside);
      continue;
    }
    // A bare word that is no file on either side is Semgrep's to interpret ("auto").
    const pathLike = /[\\/]|\.(ya?ml|json)$/i.test(config) || existsSync(absolute);
    if (resolved.entries.length === 0 && !pathLike) {
      pinned.push(config);
      continue;
    }
    const shown = rel === '' ? '.' : rel;
    const head = await headFiles(absolute);
    const copy = path.join(ctx.dir, ...resolved.rel.split('/').filter(Boolean));
    if (resolved.entries.length === 0) {
      missing.push(shown);
      changes.push(...differences(shown, new Map(), head));
      // Never the checkout's: the copy stays missing, and Semgrep is refused anyway.
      pinned.push(copy);
      continue;
    }
    const base = await copyFromBase(ctx, resolved.rel, resolved.entries);
    changes.push(...differences(shown, base, head));
    pinned.push(copy);
  }
  const prefix = toPosix(path.relative(ctx.repoRoot, realpathSync(ctx.root)));
  return {
    configs: pinned,
    root: inside(prefix) ? path.join(ctx.dir, ...prefix.split('/').filter(Boolean)) : ctx.dir,
    changes,
    ...(missing.length > 0
      ? {
          refused: `not run: its rules ${missing.map((m) => JSON.stringify(m)).join(', ')} (scanners.semgrep.configs) are not in the base commit ${ctx.commit.slice(0, 12)}, whose policy judges this change; rules a change adds are a proposal, never run`,
        }
      : {}),
  };
}
