/**
 * The tools cache of the GitHub Action: @actions/cache, which on github.com talks to the Actions
 * cache service v2 (Twirp at ACTIONS_RESULTS_URL with ACTIONS_RUNTIME_TOKEN, archives through signed
 * blob URLs). Only `uses:` steps get that token, so only the Action caches; the CLI never does.
 */
import path from 'node:path';
import * as cache from '@actions/cache';
import { errorMessage } from '../../errors.ts';
import type { ToolsCache } from '../../tools/tools-cache.ts';
import type { Log } from '../types.ts';

/** How long one archive segment may take to download before @actions/cache gives up on it. */
const DOWNLOAD_TIMEOUT_MS = 10 * 60_000;

/**
 * Where the Action keeps its scanners when CONTROLGATE_TOOLS_DIR does not say: the runner's tool
 * cache folder (RUNNER_TOOL_CACHE, /opt/hostedtoolcache on hosted runners), else undefined (the
 * package's own `.tools`). A fixed absolute path matters twice: a venv names its own path in its
 * scripts and links, so it only works where it was made, and @actions/cache hashes the paths into
 * the entry's version. The action's own checkout (`_actions/<owner>/<repo>/<ref>`) changes with
 * every ref the action is used at, so it would neither share entries nor keep a working venv.
 */
export function actionToolsDir(env: NodeJS.ProcessEnv): string | undefined {
  const toolCache = env.RUNNER_TOOL_CACHE;
  return toolCache ? path.join(path.resolve(toolCache), 'controlgate', 'tools') : undefined;
}

/**
 * The Actions cache, or undefined (with a warning) when this step cannot reach it: the runner gives
 * the service's URL and token only to `uses:` steps, and a local run of dist/index.js has neither.
 */
export function actionsToolsCache(env: NodeJS.ProcessEnv, log: Log): ToolsCache | undefined {
  let available = false;
  try {
    available = cache.isFeatureAvailable();
  } catch (error) {
    log.warning(
      `the Actions cache cannot be used (${errorMessage(error)}): installing the scanners without it`,
    );
    return undefined;
  }
  if (!available) {
    log.warning(
      'the Actions cache service is not available to this step (no ACTIONS_RESULTS_URL or ACTIONS_CACHE_URL): installing the scanners without it',
    );
    return undefined;
  }
  return {
    image: env.ImageOS || undefined,
    async restore(key, folder) {
      try {
        // Only the exact key: a prefix match would hand this run an entry made from other pins.
        const hit = await cache.restoreCache([folder], key, [], {
          timeoutInMs: DOWNLOAD_TIMEOUT_MS,
          segmentTimeoutInMs: DOWNLOAD_TIMEOUT_MS,
        });
        return hit === key;
      } catch (error) {
        // @actions/cache reports service failures itself and returns no key; only its own
        // ValidationError (a bad key or path: a bug here) is thrown.
        log.warning(
          `restoring ${folder} from the Actions cache failed (${errorMessage(error)}): installing instead`,
        );
        return false;
      }
    },
    async save(key, folder) {
      try {
        const id = await cache.saveCache([folder], key);
        return id !== -1;
      } catch (error) {
        log.warning(
          `saving ${folder} to the Actions cache failed (${errorMessage(error)}); the gate goes on`,
        );
        return false;
      }
    },
  };
}
