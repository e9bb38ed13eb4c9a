import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError, readInputs } from '../../../../src/platforms/github/inputs.ts';
import { actionsToolsCache, actionToolsDir } from '../../../../src/platforms/github/tools-cache.ts';
import type { Log } from '../../../../src/platforms/types.ts';

function collectingLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warning: (line) => warnings.push(line), error: () => {} };
}

describe('actionToolsDir', () => {
  it('is a fixed folder under the runner tool cache, whatever the action ref', () => {
    expect(actionToolsDir({ RUNNER_TOOL_CACHE: '/opt/hostedtoolcache' })).toBe(
      path.join('/opt/hostedtoolcache', 'controlgate', 'tools'),
    );
  });

  it('is undefined without RUNNER_TOOL_CACHE (the package .tools is used then)', () => {
    expect(actionToolsDir({})).toBeUndefined();
    expect(actionToolsDir({ RUNNER_TOOL_CACHE: '' })).toBeUndefined();
  });
});

describe('actionsToolsCache', () => {
  it('is none, with a warning, when the step has no cache service to talk to', () => {
    const log = collectingLog();
    // @actions/cache reads process.env itself: the URLs that would make it available are removed.
    const saved = {
      ACTIONS_RESULTS_URL: process.env.ACTIONS_RESULTS_URL,
      ACTIONS_CACHE_URL: process.env.ACTIONS_CACHE_URL,
    };
    for (const name of Object.keys(saved)) delete process.env[name];
    try {
      expect(actionsToolsCache({}, log)).toBeUndefined();
    } finally {
      for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
    }
    expect(log.warnings.join('\n')).toMatch(/Actions cache service is not available to this step/);
  });
});

describe('input cache-scanners', () => {
  it('defaults to true, reads false, and names the input when the value is bad', () => {
    expect(readInputs({}).cacheScanners).toBe(true);
    expect(readInputs({ 'INPUT_CACHE-SCANNERS': 'false' }).cacheScanners).toBe(false);
    expect(() => readInputs({ 'INPUT_CACHE-SCANNERS': 'sometimes' })).toThrow(InputError);
    expect(() => readInputs({ 'INPUT_CACHE-SCANNERS': 'sometimes' })).toThrow(
      'input "cache-scanners" is "sometimes"; expected true or false',
    );
  });
});
