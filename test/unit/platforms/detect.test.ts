import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciBaseSha, detectContext } from '../../../src/platforms/detect.ts';
import { mergeQueuePullRequest } from '../../../src/platforms/github/context.ts';

const HEAD = 'b'.repeat(40);
const BASE = 'a'.repeat(40);
const MERGE = 'c'.repeat(40);

function eventFile(payload: unknown): string {
  const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'controlgate-event-')), 'event.json');
  writeFileSync(file, JSON.stringify(payload));
  return file;
}

/** The variables every GitHub Actions job has, plus the event's. */
function github(event: string, payload: unknown, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventFile(payload),
    GITHUB_REPOSITORY: 'octo/shop',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '42',
    GITHUB_ACTOR: 'dev-alice',
    ...extra,
  };
}

describe('GitHub Actions events', () => {
  it('pull_request: the head, base and the merge commit CI checked out, each for what it is', () => {
    const context = detectContext(
      github(
        'pull_request',
        {
          number: 7,
          pull_request: {
            number: 7,
            head: { sha: HEAD, ref: 'feature', repo: { full_name: 'octo/shop' } },
            base: { sha: BASE, ref: 'main', repo: { full_name: 'octo/shop' } },
          },
        },
        { GITHUB_SHA: MERGE, GITHUB_REF: 'refs/pull/7/merge', GITHUB_HEAD_REF: 'feature', INPUT_TOKEN: 't' },
      ),
    );
    expect(context).toEqual({
      platform: 'github',
      eventName: 'pull_request',
      isChange: true,
      repository: 'octo/shop',
      repoUrl: 'https://github.com/octo/shop',
      headSha: HEAD,
      baseSha: BASE,
      mergeSha: MERGE,
      baseRef: 'main',
      headRef: 'feature',
      changeNumber: 7,
      isFork: false,
      actor: 'dev-alice',
      runUrl: 'https://github.com/octo/shop/actions/runs/42',
      tokenAvailable: true,
    });
    expect(ciBaseSha(context)).toBe(BASE);
  });

  it('pull_request from a fork is marked as such', () => {
    const context = detectContext(
      github('pull_request', {
        pull_request: {
          number: 9,
          head: { sha: HEAD, repo: { full_name: 'mallory/shop' } },
          base: { sha: BASE, repo: { full_name: 'octo/shop' } },
        },
      }),
    );
    expect(context.isFork).toBe(true);
    expect(context.tokenAvailable).toBe(false);
  });

  it('pull_request_target: the number from the payload (GITHUB_REF is the base branch), the merge commit from the payload', () => {
    const context = detectContext(
      github(
        'pull_request_target',
        {
          pull_request: {
            number: 11,
            merge_commit_sha: MERGE,
            head: { sha: HEAD, ref: 'fix', repo: { full_name: 'mallory/shop' } },
            base: { sha: BASE, ref: 'main', repo: { full_name: 'octo/shop' } },
          },
        },
        { GITHUB_SHA: 'd'.repeat(40), GITHUB_REF: 'refs/heads/main' },
      ),
    );
    expect(context).toMatchObject({
      changeNumber: 11,
      headSha: HEAD,
      baseSha: BASE,
      mergeSha: MERGE,
      headRef: 'fix',
      isFork: true,
      isChange: true,
    });
  });

  it('merge_group: the queue commit is the head, and the pull request comes from the queue branch', () => {
    const context = detectContext(
      github(
        'merge_group',
        {
          merge_group: {
            head_sha: HEAD,
            head_ref: 'refs/heads/gh-readonly-queue/main/pr-123-0123abcd',
            base_sha: BASE,
            base_ref: 'refs/heads/main',
          },
        },
        { GITHUB_SHA: HEAD },
      ),
    );
    expect(context).toMatchObject({
      isChange: true,
      headSha: HEAD,
      baseSha: BASE,
      mergeSha: null,
      baseRef: 'main',
      headRef: 'gh-readonly-queue/main/pr-123-0123abcd',
      changeNumber: 123,
    });
    expect(ciBaseSha(context)).toBe(BASE);
  });

  it('push: the pushed commit, no base, no change', () => {
    const context = detectContext(
      github(
        'push',
        { ref: 'refs/heads/main', before: BASE, after: HEAD },
        { GITHUB_SHA: HEAD, GITHUB_REF_NAME: 'main', GITHUB_HEAD_REF: '' },
      ),
    );
    expect(context).toMatchObject({
      isChange: false,
      headSha: HEAD,
      baseSha: null,
      mergeSha: null,
      headRef: 'main',
      changeNumber: null,
    });
    expect(ciBaseSha(context)).toBeUndefined();
  });

  it('workflow_run: the triggering run’s head and pull request, a fork told by its head repository', () => {
    const context = detectContext(
      github(
        'workflow_run',
        {
          workflow_run: {
            head_sha: HEAD,
            head_branch: 'feature',
            head_repository: { full_name: 'mallory/shop' },
            pull_requests: [{ number: 5, base: { sha: BASE, ref: 'main' } }],
          },
        },
        { GITHUB_SHA: 'e'.repeat(40) },
      ),
    );
    expect(context).toMatchObject({
      isChange: false,
      headSha: HEAD,
      baseSha: BASE,
      headRef: 'feature',
      changeNumber: 5,
      isFork: true,
    });
    // The second half never scans, so it never compares either.
    expect(ciBaseSha(context)).toBeUndefined();
  });

  it('an event file that is missing or broken leaves the change unknown, never a crash', () => {
    const env = {
      GITHUB_ACTIONS: 'true',
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_EVENT_PATH: path.join(os.tmpdir(), 'controlgate-no-such-event.json'),
      GITHUB_SHA: MERGE,
    };
    const context = detectContext(env);
    expect(context).toMatchObject({ changeNumber: null, baseSha: null, headSha: MERGE });
    expect(ciBaseSha(context)).toBeUndefined();
  });

  it('reads the pull request number out of a merge queue branch only', () => {
    expect(mergeQueuePullRequest('gh-readonly-queue/release/1.x/pr-77-abc123')).toBe(77);
    expect(mergeQueuePullRequest('refs/heads/feature/pr-77-abc123')).toBeNull();
    expect(mergeQueuePullRequest(undefined)).toBeNull();
  });
});

/** A GitLab job's predefined variables. */
function gitlab(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    GITLAB_CI: 'true',
    CI_PROJECT_PATH: 'octo/shop',
    CI_PROJECT_URL: 'https://gitlab.example/octo/shop',
    CI_PROJECT_ID: '100',
    CI_PIPELINE_URL: 'https://gitlab.example/octo/shop/-/pipelines/9',
    CI_DEFAULT_BRANCH: 'main',
    GITLAB_USER_LOGIN: 'dev-bob',
    ...extra,
  };
}

describe('GitLab CI pipelines', () => {
  it('a merge request pipeline: the MR, its diff base and the source branch', () => {
    const context = detectContext(
      gitlab({
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_MERGE_REQUEST_IID: '12',
        CI_MERGE_REQUEST_PROJECT_ID: '100',
        CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '100',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: BASE,
        CI_MERGE_REQUEST_TARGET_BRANCH_NAME: 'main',
        CI_MERGE_REQUEST_SOURCE_BRANCH_NAME: 'feature',
        CI_COMMIT_SHA: HEAD,
        CONTROLGATE_GITLAB_TOKEN: 'glpat-x',
      }),
    );
    expect(context).toEqual({
      platform: 'gitlab',
      eventName: 'merge_request_event',
      isChange: true,
      repository: 'octo/shop',
      repoUrl: 'https://gitlab.example/octo/shop',
      headSha: HEAD,
      baseSha: BASE,
      mergeSha: null,
      baseRef: 'main',
      headRef: 'feature',
      changeNumber: 12,
      isFork: false,
      actor: 'dev-bob',
      runUrl: 'https://gitlab.example/octo/shop/-/pipelines/9',
      tokenAvailable: true,
    });
    expect(ciBaseSha(context)).toBe(BASE);
  });

  it('a merged-results pipeline: CI checked out a merge commit; the head is the source branch commit', () => {
    const context = detectContext(
      gitlab({
        CI_PIPELINE_SOURCE: 'merge_request_event',
        CI_MERGE_REQUEST_EVENT_TYPE: 'merged_result',
        CI_MERGE_REQUEST_IID: '13',
        CI_MERGE_REQUEST_DIFF_BASE_SHA: BASE,
        CI_MERGE_REQUEST_SOURCE_BRANCH_SHA: HEAD,
        CI_COMMIT_SHA: MERGE,
      }),
    );
    expect(context).toMatchObject({ headSha: HEAD, mergeSha: MERGE, baseSha: BASE, changeNumber: 13 });
  });

  it('a merge request from a fork project is marked as such', () => {
    const context = detectContext(
      gitlab({
        CI_MERGE_REQUEST_IID: '14',
        CI_MERGE_REQUEST_PROJECT_ID: '100',
        CI_MERGE_REQUEST_SOURCE_PROJECT_ID: '555',
      }),
    );
    expect(context.isFork).toBe(true);
    expect(context.tokenAvailable).toBe(false);
  });

  it('a branch pipeline: the commit and branch, no base', () => {
    const context = detectContext(
      gitlab({ CI_PIPELINE_SOURCE: 'push', CI_COMMIT_SHA: HEAD, CI_COMMIT_REF_NAME: 'main' }),
    );
    expect(context).toMatchObject({
      isChange: false,
      headSha: HEAD,
      headRef: 'main',
      baseRef: 'main',
      changeNumber: null,
    });
    expect(ciBaseSha(context)).toBeUndefined();
  });
});

describe('outside CI', () => {
  it('is the local platform, knowing nothing until git is asked', () => {
    const context = detectContext({ HOME: '/home/dev', GITHUB_TOKEN: 'not a CI run' });
    expect(context.platform).toBe('local');
    expect(context.headSha).toBeNull();
    expect(ciBaseSha(context)).toBeUndefined();
  });
});
