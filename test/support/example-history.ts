import { cpSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './cli.ts';
import { GitRepo } from './git-repo.ts';

const APP = path.join(REPO_ROOT, 'examples', 'vulnerable-app');
const HISTORY = path.join(REPO_ROOT, 'test', 'fixtures', 'example-history');

/** The example app's pull request as a real repository: `main` is the app, `change` its commits. */
export interface ExampleHistory {
  repo: GitRepo;
  /** The commit on `main` the change branches from. */
  base: string;
  /** Each commit of the change, in order, by its fixture folder's name. */
  commits: { folder: string; sha: string }[];
}

/**
 * Builds the repository test/fixtures/example-history/README.md describes: the app committed on
 * `main`, then one commit per fixture folder on the branch `change`, which is left checked out.
 */
export function exampleHistory(): ExampleHistory {
  const repo = GitRepo.create({}, 'controlgate-example-history-');
  cpSync(APP, repo.dir, { recursive: true });
  const base = repo.commit('The inventory service');
  repo.branch('change');
  const folders = readdirSync(HISTORY, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const commits = folders.map((folder) => {
    const dir = path.join(HISTORY, folder);
    const message = readFileSync(path.join(dir, 'message.txt'), 'utf8').trim();
    cpSync(dir, repo.dir, { recursive: true, filter: (src) => path.basename(src) !== 'message.txt' });
    return { folder, sha: repo.commit(message) };
  });
  return { repo, base, commits };
}
