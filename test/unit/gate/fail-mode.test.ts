import { describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src/change-context.ts';
import { resolveFailMode } from '../../../src/gate/fail-mode.ts';

const push: ChangeContext = {
  platform: 'github',
  eventName: 'push',
  isChange: false,
  repository: 'octo/shop',
  repoUrl: null,
  headSha: 'a'.repeat(40),
  baseSha: null,
  mergeSha: null,
  baseRef: null,
  headRef: 'main',
  changeNumber: null,
  isFork: false,
  actor: 'alice',
  runUrl: null,
  tokenAvailable: true,
};
const pullRequest: ChangeContext = {
  ...push,
  eventName: 'pull_request',
  isChange: true,
  baseSha: 'b'.repeat(40),
};

describe('resolveFailMode', () => {
  it('auto reports without failing on a CI run with no change, and says why', () => {
    const resolved = resolveFailMode('auto', push, { kind: 'auto' });
    expect(resolved.mode).toBe('report-only');
    expect(resolved.because).toContain('a push run has no change to judge');
    expect(
      resolveFailMode('auto', { ...push, platform: 'gitlab', eventName: 'schedule' }, { kind: 'auto' }),
    ).toMatchObject({
      mode: 'report-only',
    });
  });

  it('auto enforces on a change, on a local run and with an explicit base ref', () => {
    expect(resolveFailMode('auto', pullRequest, { kind: 'auto' })).toEqual({ mode: 'enforce' });
    expect(
      resolveFailMode('auto', { ...push, platform: 'local', eventName: null }, { kind: 'auto' }),
    ).toEqual({
      mode: 'enforce',
    });
    expect(resolveFailMode('auto', push, { kind: 'ref', ref: 'origin/main' })).toEqual({ mode: 'enforce' });
  });

  it('enforce and report-only are taken as they are', () => {
    expect(resolveFailMode('enforce', push, { kind: 'auto' })).toEqual({ mode: 'enforce' });
    expect(resolveFailMode('report-only', pullRequest, { kind: 'auto' })).toEqual({ mode: 'report-only' });
  });
});
