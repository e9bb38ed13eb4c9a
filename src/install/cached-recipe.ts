/**
 * One install recipe around a CI cache: restore its folder before the install, save it after a
 * verified install that the cache did not have. The installer in between is unchanged: it checks
 * what a restore left exactly as it checks what an earlier run left (see src/install/tools-cache.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { installRecordProblem } from '../tools/install-record.ts';
import type { ToolsCache } from '../tools/tools-cache.ts';
import { formatSeconds, type InstallLog, type InstallOutcome } from './log.ts';
import type { InstallRecipe } from './recipe.ts';
import { toolsCacheKey } from './tools-cache.ts';

/** Where one recipe's folder came from before its install ran. */
export type CacheState =
  /** The recipe keeps nothing in a cache (or no cache was given). */
  | { kind: 'off' }
  /** The folder was already there (a self-hosted runner keeps its tools): checked, not restored. */
  | { kind: 'kept'; folder: string }
  | { kind: 'hit'; key: string; folder: string }
  | { kind: 'miss'; key: string; folder: string };

export interface CacheRun {
  cache: ToolsCache;
  toolsDir: string;
  env: NodeJS.ProcessEnv;
  log: InstallLog;
  /** sha256 of the pin files (pinFilesDigest), computed once per run. */
  pins: string;
}

const since = (started: number): string => formatSeconds((performance.now() - started) / 1000);

/** The key a recipe's folder is kept under on this machine. */
export function recipeCacheKey(recipe: InstallRecipe, run: Omit<CacheRun, 'log' | 'toolsDir'>): string {
  return toolsCacheKey({
    recipe: recipe.key,
    platform: process.platform,
    arch: process.arch,
    image: run.cache.image,
    pins: run.pins,
    runtime: recipe.cache?.runtime?.(run.env),
  });
}

/**
 * Restores the recipe's folder when it is absent. Only into an absent folder: extracting over an
 * existing one would leave its extra files, which the record check then refuses anyway.
 */
export async function restoreRecipe(recipe: InstallRecipe, run: CacheRun): Promise<CacheState> {
  if (!recipe.cache) return { kind: 'off' };
  const folder = path.join(run.toolsDir, recipe.cache.folder);
  if (existsSync(folder)) {
    run.log(`${folder} is already there: the install checks it; the Actions cache is not asked`);
    return { kind: 'kept', folder };
  }
  const key = recipeCacheKey(recipe, run);
  const started = performance.now();
  if (await run.cache.restore(key, folder)) {
    run.log(
      `scanners restored from the Actions cache (key ${key}) in ${since(started)}: ${folder}, checked against its install record next`,
    );
    return { kind: 'hit', key, folder };
  }
  run.log(`cache miss for ${key} (looked up in ${since(started)}): installing into ${folder}`);
  return { kind: 'miss', key, folder };
}

/**
 * After the install: saves a folder the cache did not have, when its scanners were installed and
 * it still matches its record right now (nothing has run from it yet: the scan comes later); says
 * so when a restored folder failed the checks and was reinstalled.
 */
export async function saveRecipe(
  state: CacheState,
  outcomes: readonly InstallOutcome[],
  run: CacheRun,
): Promise<void> {
  if (state.kind === 'off' || state.kind === 'kept') return;
  const installed = outcomes.some((o) => o.action === 'installed');
  if (state.kind === 'hit') {
    if (installed)
      run.log(
        `the folder restored from the Actions cache (key ${state.key}) failed the install checks and was reinstalled; ` +
          'the entry is not replaced (cache entries are immutable): it is restored and refused until GitHub evicts it, or delete it',
      );
    return;
  }
  if (!installed || outcomes.some((o) => o.action === 'failed')) {
    run.log(`not saving ${state.folder} to the Actions cache: nothing was installed into it`);
    return;
  }
  const problem = await installRecordProblem(state.folder);
  if (problem) {
    run.log(`not saving ${state.folder} to the Actions cache: ${problem}`);
    return;
  }
  const started = performance.now();
  if (await run.cache.save(state.key, state.folder))
    run.log(`saved ${state.folder} to the Actions cache (key ${state.key}) in ${since(started)}`);
  else run.log(`${state.folder} was not saved to the Actions cache (${since(started)}); see the warning`);
}
