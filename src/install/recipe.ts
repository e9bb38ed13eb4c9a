import type { Exec } from '../exec/exec.ts';
import type { InstallLog, InstallOutcome } from './log.ts';

/** What an install recipe runs with. */
export interface InstallContext {
  exec: Exec;
  toolsDir: string;
  log: InstallLog;
  env: NodeJS.ProcessEnv;
  /** The selected scanners this recipe installs for (several when they share it); outcomes are theirs. */
  ids: readonly string[];
}

/** How a scanner gets onto the machine; a plugin declares it (Scanner.install). */
export interface InstallRecipe {
  /**
   * Recipes with one key are one install that runs once for all their scanners (Semgrep and Bandit
   * share a venv), so scanners sharing a key share the recipe itself.
   */
  key: string;
  /** Installs, or reuses what is there at the pinned version; one outcome per id in `context.ids`. */
  install(context: InstallContext): Promise<InstallOutcome[]>;
  /** The folder this recipe installs into, whole, when a CI cache may keep it (src/install/tools-cache.ts). */
  cache?: RecipeCache;
}

/** What a CI cache needs to know about a recipe's install to save and restore it. */
export interface RecipeCache {
  /** The recipe's folder, relative to the tools folder; nothing else of the install lives outside it. */
  folder: string;
  /**
   * What else the installed folder depends on on this machine, for the cache key (a venv: the
   * interpreter it was made from, whose path its links and scripts name); undefined when nothing.
   */
  runtime?(env: NodeJS.ProcessEnv): string | undefined;
}
