import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { CLI, REPO_ROOT } from './cli.ts';
import { git } from './git-repo.ts';

/*
 * What the GitLab template clones: a git repository with this checkout's committed files plus the
 * built dist/ (a release commits its dist/), tagged. Served as a bare repository through a file://
 * URL, so `git clone --depth 1 --branch <tag>` behaves as against a remote.
 */

export interface ReleaseRepo {
  /** The `source` input: a file:// URL of the bare repository. */
  url: string;
  /** The `version` input. */
  tag: string;
}

/** Every folder named node_modules under `dir` (symlinks not followed), relative to it. */
export function nodeModulesUnder(dir: string): string[] {
  const found: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      if (entry.name === '.git') continue;
      const child = path.join(rel, entry.name);
      if (entry.name === 'node_modules') found.push(child);
      else if (entry.isDirectory()) walk(child);
    }
  };
  walk('');
  return found;
}

/** Builds the release repository in `root` (which must exist); throws, saying what to do, without dist/. */
export function makeReleaseRepo(root: string, tag: string): ReleaseRepo {
  if (!existsSync(CLI)) {
    throw new Error(
      `${CLI} is missing: run \`npm run -s build\` first (the template runs the built dist/ as a release ships it)`,
    );
  }
  const snapshot = path.join(root, 'snapshot');
  const bare = path.join(root, 'controlgate.git');
  mkdirSync(snapshot);
  // Committed content only: what is not committed would not be in a release.
  const tar = execFileSync('git', ['archive', '--format=tar', 'HEAD'], {
    cwd: REPO_ROOT,
    maxBuffer: 1024 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', snapshot], { input: tar });
  rmSync(path.join(snapshot, 'dist'), { recursive: true, force: true });
  cpSync(path.join(REPO_ROOT, 'dist'), path.join(snapshot, 'dist'), { recursive: true });
  git(snapshot, ['init', '--quiet', '-b', 'main']);
  git(snapshot, ['config', 'user.name', 'Controlgate Release']);
  git(snapshot, ['config', 'user.email', 'release@controlgate.invalid']);
  git(snapshot, ['config', 'commit.gpgsign', 'false']);
  git(snapshot, ['add', '--all', '--force']);
  git(snapshot, ['commit', '--quiet', '-m', `release ${tag}`]);
  git(snapshot, ['tag', tag]);
  git(root, ['clone', '--quiet', '--bare', '--', snapshot, bare]);
  rmSync(snapshot, { recursive: true, force: true });
  return { url: `file://${bare}`, tag };
}
