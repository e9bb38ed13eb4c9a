import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CacheRun, restoreRecipe, saveRecipe } from '../../../src/install/cached-recipe.ts';
import { writeStamp } from '../../../src/install/install-stamp.ts';
import type { InstallOutcome } from '../../../src/install/log.ts';
import type { InstallRecipe } from '../../../src/install/recipe.ts';
import type { ToolsCache } from '../../../src/tools/tools-cache.ts';

/* The restore → install → save steps around one recipe, with a plain-object cache. */

interface Calls {
  restores: string[];
  saves: string[];
}

function fakeCache(hit: boolean, calls: Calls, saveOk = true): ToolsCache {
  return {
    image: 'ubuntu24',
    async restore(key, folder) {
      calls.restores.push(key);
      if (hit) {
        mkdirSync(folder, { recursive: true });
        writeFileSync(path.join(folder, 'tool'), 'restored');
      }
      return hit;
    },
    async save(key) {
      calls.saves.push(key);
      return saveOk;
    },
  };
}

const recipe: InstallRecipe = {
  key: 'venv-like',
  install: async () => [],
  cache: { folder: 'venv', runtime: (env) => env.FAKE_RUNTIME },
};

const installed: InstallOutcome[] = [{ tool: 'semgrep', action: 'installed', seconds: 1 }];
const present: InstallOutcome[] = [{ tool: 'semgrep', action: 'present', seconds: 0 }];

describe('restoreRecipe and saveRecipe', () => {
  let tools: string;
  let lines: string[];
  let calls: Calls;
  const run = (cache: ToolsCache, env: NodeJS.ProcessEnv = {}): CacheRun => ({
    cache,
    toolsDir: tools,
    env,
    log: (line) => lines.push(line),
    pins: 'p'.repeat(64),
  });

  beforeEach(() => {
    tools = mkdtempSync(path.join(os.tmpdir(), 'controlgate-cached-recipe-'));
    lines = [];
    calls = { restores: [], saves: [] };
  });
  afterEach(() => rmSync(tools, { recursive: true, force: true }));

  it('on a miss, saves the folder once the install put scanners there and its record matches', async () => {
    const r = run(fakeCache(false, calls));
    const state = await restoreRecipe(recipe, r);
    expect(state.kind).toBe('miss');
    expect(lines.join('\n')).toMatch(/^cache miss for controlgate-tools-venv-like-/);
    const folder = path.join(tools, 'venv');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'tool'), 'installed');
    await writeStamp(folder, 'pins');
    await saveRecipe(state, installed, r);
    expect(calls.saves).toEqual(calls.restores);
    expect(lines.at(-1)).toMatch(
      /^saved .*venv to the Actions cache \(key controlgate-tools-venv-like-.*\) in /,
    );
  });

  it('does not save a folder that changed after its install recorded it', async () => {
    const r = run(fakeCache(false, calls));
    const state = await restoreRecipe(recipe, r);
    const folder = path.join(tools, 'venv');
    mkdirSync(folder);
    writeFileSync(path.join(folder, 'tool'), 'installed');
    await writeStamp(folder, 'pins');
    writeFileSync(path.join(folder, 'tool'), 'changed');
    await saveRecipe(state, installed, r);
    expect(calls.saves).toEqual([]);
    expect(lines.at(-1)).toMatch(/^not saving .*tool changed since it was installed/);
  });

  it('does not save when nothing was installed (a scanner on PATH) or an install failed', async () => {
    const r = run(fakeCache(false, calls));
    const state = await restoreRecipe(recipe, r);
    await saveRecipe(state, [{ tool: 'semgrep', action: 'path', seconds: 0 }], r);
    await saveRecipe(state, [...installed, { tool: 'bandit', action: 'failed', seconds: 0 }], r);
    expect(calls.saves).toEqual([]);
  });

  it('on a hit, saves nothing and says so when the restored folder was reinstalled', async () => {
    const r = run(fakeCache(true, calls));
    const state = await restoreRecipe(recipe, r);
    expect(state.kind).toBe('hit');
    expect(lines[0]).toMatch(
      /^scanners restored from the Actions cache \(key controlgate-tools-venv-like-\S+\) in \d/,
    );
    await saveRecipe(state, present, r);
    expect(lines).toHaveLength(1);
    await saveRecipe(state, installed, r);
    expect(lines[1]).toMatch(/failed the install checks and was reinstalled/);
    expect(calls.saves).toEqual([]);
  });

  it('leaves a folder already in place to the installer: no restore, no save', async () => {
    mkdirSync(path.join(tools, 'venv'));
    const r = run(fakeCache(true, calls));
    const state = await restoreRecipe(recipe, r);
    expect(state.kind).toBe('kept');
    await saveRecipe(state, installed, r);
    expect(calls).toEqual({ restores: [], saves: [] });
  });

  it('keys on the recipe runtime: another interpreter is another entry', async () => {
    await restoreRecipe(recipe, run(fakeCache(false, calls), { FAKE_RUNTIME: '/usr/bin/python3.12' }));
    await restoreRecipe(recipe, run(fakeCache(false, calls), { FAKE_RUNTIME: '/usr/bin/python3.13' }));
    expect(new Set(calls.restores).size).toBe(2);
  });

  it('does nothing for a recipe without a cache folder', async () => {
    const state = await restoreRecipe({ key: 'x', install: async () => [] }, run(fakeCache(true, calls)));
    expect(state).toEqual({ kind: 'off' });
    expect(calls.restores).toEqual([]);
  });
});
