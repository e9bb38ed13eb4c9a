/**
 * One side of the Action's tools cache, as bench/install.ts times it, with the Action's own cache
 * implementation (src/platforms/github/tools-cache.ts) against the service the ACTIONS_* variables name:
 *   save:    every built-in recipe's folder in CONTROLGATE_TOOLS_DIR, under the key the Action uses;
 *   restore: `installScanners` with the cache into an empty CONTROLGATE_TOOLS_DIR, as the Action's
 *            install step runs on a fresh runner; fails unless every scanner is verified `present`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BUILTIN_SCANNERS } from '../scanners/index.ts';
import { installScanners } from '../scanners/install.ts';
import { realExec } from '../src/exec/exec.ts';
import { recipeCacheKey } from '../src/install/cached-recipe.ts';
import { describeOutcome } from '../src/install/log.ts';
import type { InstallRecipe } from '../src/install/recipe.ts';
import { pinFilesDigest } from '../src/install/tools-cache.ts';
import { toolsDir } from '../src/paths.ts';
import { actionsToolsCache } from '../src/platforms/github/tools-cache.ts';

const mode = process.argv[2];
if (mode !== 'save' && mode !== 'restore')
  throw new Error('usage: node bench/tools-cache-step.ts save|restore');
const log = { info: console.log, warning: console.warn, error: console.error };
const cache = actionsToolsCache(process.env, log);
if (!cache)
  throw new Error(
    'the Actions cache is not reachable: ACTIONS_CACHE_SERVICE_V2 and ACTIONS_RESULTS_URL expected',
  );
const dir = toolsDir();

if (mode === 'save') {
  const recipes = new Map<string, InstallRecipe>();
  for (const scanner of BUILTIN_SCANNERS.values())
    if (scanner.install) recipes.set(scanner.install.key, scanner.install);
  const pins = pinFilesDigest();
  for (const recipe of recipes.values()) {
    if (!recipe.cache) continue;
    const folder = path.join(dir, recipe.cache.folder);
    if (!existsSync(folder))
      throw new Error(`${folder} is missing: the benchmark saves an installed tools folder`);
    const key = recipeCacheKey(recipe, { cache, env: process.env, pins });
    if (!(await cache.save(key, folder))) throw new Error(`saving ${folder} under ${key} failed`);
    console.log(`saved ${folder} under ${key}`);
  }
} else {
  const outcomes = await installScanners(realExec, dir, (line) => console.log(line), undefined, { cache });
  for (const outcome of outcomes) console.log(describeOutcome(outcome));
  const notPresent = outcomes.filter((o) => o.action !== 'present');
  if (notPresent.length > 0)
    throw new Error(
      `expected every scanner restored and verified (present), got ${notPresent.map((o) => `${o.tool}: ${o.action}`).join(', ')}`,
    );
}
