import type { Exec } from '../src/exec/exec.ts';
import { type CacheRun, type CacheState, restoreRecipe, saveRecipe } from '../src/install/cached-recipe.ts';
import type { InstallLog, InstallOutcome } from '../src/install/log.ts';
import type { InstallRecipe } from '../src/install/recipe.ts';
import { pinFilesDigest } from '../src/install/tools-cache.ts';
import type { ToolsCache } from '../src/tools/tools-cache.ts';
import { BUILTIN_SCANNERS, pickScanners } from './index.ts';
import type { Scanner } from './types.ts';

export interface InstallScannersOptions {
  /** Where PATH, CONTROLGATE_PYTHON, CONTROLGATE_GO … are read; default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Which scanners exist; default: the built-ins. A scanner without a recipe has nothing to install. */
  registry?: ReadonlyMap<string, Scanner>;
  /**
   * A CI cache for the recipes' folders (the GitHub Action's Actions cache); none: install as always.
   * Restored folders get the same checks as any folder found in place.
   */
  cache?: ToolsCache;
}

/**
 * Installs the scanners `ids` names (default: every one in the registry) into the project-local tools
 * folder, and only those: KICS's build takes minutes that a Semgrep-only run should not pay. Each
 * plugin declares its recipe; scanners sharing a recipe key (one venv) install it once, and distinct
 * recipes run concurrently (one is network and compile bound, the other pip). Idempotent: what is
 * already there at the pinned version (or on PATH at a fitting one) is reused. Returns one outcome
 * per selected scanner with a recipe; an unknown id is an UnknownScannerError before anything runs.
 */
export async function installScanners(
  exec: Exec,
  toolsDir: string,
  log: InstallLog,
  ids?: readonly string[],
  options: InstallScannersOptions = {},
): Promise<InstallOutcome[]> {
  const registry = options.registry ?? BUILTIN_SCANNERS;
  const env = options.env ?? process.env;
  const scanners = ids ? pickScanners(registry, [...new Set(ids)]) : [...registry.values()];
  const groups = new Map<string, { recipe: InstallRecipe; ids: string[] }>();
  for (const scanner of scanners) {
    if (!scanner.install) continue;
    const group = groups.get(scanner.install.key);
    if (group) group.ids.push(scanner.id);
    else groups.set(scanner.install.key, { recipe: scanner.install, ids: [scanner.id] });
  }
  const installs = [...groups.values()];
  const cacheRun: CacheRun | undefined =
    options.cache && installs.some(({ recipe }) => recipe.cache)
      ? { cache: options.cache, toolsDir, env, log, pins: pinFilesDigest() }
      : undefined;
  // Each selected recipe restores its own folder only: a Semgrep-only run never fetches KICS.
  const states: CacheState[] = await Promise.all(
    installs.map(({ recipe }) => (cacheRun ? restoreRecipe(recipe, cacheRun) : { kind: 'off' as const })),
  );
  const settled = await Promise.allSettled(
    installs.map(({ recipe, ids: groupIds }) => recipe.install({ exec, toolsDir, log, env, ids: groupIds })),
  );
  const outcomes = installs.map(({ ids: groupIds }, index) => {
    const result = settled[index];
    // In the order asked for; a recipe's outcome for a scanner not selected is not reported.
    if (result?.status === 'fulfilled')
      return groupIds.flatMap((id) => result.value.filter((o) => o.tool === id));
    return groupIds.map((id) => failed(id, result?.reason));
  });
  if (cacheRun) {
    // One after another: each save archives and uploads hundreds of MB on two cores.
    for (const [index, state] of states.entries()) await saveRecipe(state, outcomes[index] ?? [], cacheRun);
  }
  return outcomes.flat();
}

function failed(tool: string, reason: unknown): InstallOutcome {
  return {
    tool,
    action: 'failed',
    seconds: 0,
    detail: reason instanceof Error ? reason.message : String(reason),
  };
}
