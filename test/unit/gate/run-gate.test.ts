import { describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src/change-context.ts';
import { chooseBase, policyRevision } from '../../../src/gate/run-gate.ts';
import { LOCAL_CONTEXT } from '../../../src/platforms/detect.ts';

const BASE_SHA = 'a'.repeat(40);
const mergeRequest: ChangeContext = {
  ...LOCAL_CONTEXT,
  platform: 'gitlab',
  isChange: true,
  baseSha: BASE_SHA,
  changeNumber: 12,
};

describe('chooseBase: what the change is compared with', () => {
  it('auto: a change in CI compares with its base commit', () => {
    expect(chooseBase({ kind: 'auto' }, mergeRequest)).toEqual({ ref: BASE_SHA, source: 'ci' });
  });

  it('auto: a push, or a change whose base CI did not say, judges everything', () => {
    expect(chooseBase({ kind: 'auto' }, { ...mergeRequest, isChange: false })).toBeUndefined();
    expect(chooseBase({ kind: 'auto' }, { ...mergeRequest, baseSha: null })).toBeUndefined();
    expect(chooseBase({ kind: 'auto' }, LOCAL_CONTEXT)).toBeUndefined();
  });

  it('a ref wins over CI, and none turns comparing off even on a merge request', () => {
    expect(chooseBase({ kind: 'ref', ref: 'release' }, mergeRequest)).toEqual({
      ref: 'release',
      source: 'cli',
    });
    expect(chooseBase({ kind: 'none' }, mergeRequest)).toBeUndefined();
  });
});

describe('policyRevision: whose rules judge the run', () => {
  it("a change in CI is judged by its base's policy, even when comparing is off", () => {
    expect(policyRevision({ kind: 'auto' }, mergeRequest)).toEqual({ ref: BASE_SHA, source: 'ci' });
    expect(policyRevision({ kind: 'none' }, mergeRequest)).toEqual({ ref: BASE_SHA, source: 'ci' });
  });

  it('a named ref is the base whose policy judges; pushes and local runs use their checkout', () => {
    expect(policyRevision({ kind: 'ref', ref: 'main' }, LOCAL_CONTEXT)).toEqual({
      ref: 'main',
      source: 'cli',
    });
    expect(policyRevision({ kind: 'auto' }, { ...mergeRequest, isChange: false })).toBeUndefined();
    expect(policyRevision({ kind: 'none' }, LOCAL_CONTEXT)).toBeUndefined();
  });
});
