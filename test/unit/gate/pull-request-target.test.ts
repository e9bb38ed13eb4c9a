import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src/change-context.ts';
import type { Exec, ExecRequest } from '../../../src/exec/exec.ts';
import { checkPullRequestTarget } from '../../../src/gate/pull-request-target.ts';
import { LOCAL_CONTEXT } from '../../../src/platforms/detect.ts';
import type { Log } from '../../../src/platforms/types.ts';
import { execResult } from '../../support/exec-result.ts';

const HEAD = 'a'.repeat(40);
const BASE = 'b'.repeat(40);
const MERGE = 'c'.repeat(40);

const target: ChangeContext = {
  ...LOCAL_CONTEXT,
  platform: 'github',
  eventName: 'pull_request_target',
  isChange: true,
  headSha: HEAD,
  baseSha: BASE,
  mergeSha: MERGE,
  changeNumber: 7,
  isFork: true,
};

const folders: string[] = [];
afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A runner workspace with the base at its root and the pull request in `pr/` (both marked as git checkouts). */
function layout(): { workspace: string; pr: string; tools: string } {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-prt-')));
  folders.push(root);
  const workspace = path.join(root, 'workspace');
  const pr = path.join(workspace, 'pr');
  const tools = path.join(root, 'action', '.tools');
  for (const dir of [path.join(workspace, '.git'), path.join(pr, '.git'), tools])
    mkdirSync(dir, { recursive: true });
  return { workspace, pr, tools };
}

/** git answering `rev-parse HEAD` with `head` (or failing), recording where it was asked. */
function gitAt(head: string | undefined): { exec: Exec; asked: ExecRequest[] } {
  const asked: ExecRequest[] = [];
  const exec: Exec = async (request) => {
    asked.push(request);
    return head === undefined
      ? execResult({ exitCode: 128, stderrTail: 'fatal: not a git repository' })
      : execResult({ stdout: `${head}\n` });
  };
  return { exec, asked };
}

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (line) => lines.push(`info: ${line}`),
    warning: (line) => lines.push(`warning: ${line}`),
    error: (line) => lines.push(`error: ${line}`),
  };
}

describe('checkPullRequestTarget', () => {
  it('the fork-safe layout: the head in its own folder is scanned, said once as info', async () => {
    const { workspace, pr, tools } = layout();
    const { exec, asked } = gitAt(HEAD);
    const log = recordingLog();
    const context = await checkPullRequestTarget({
      context: target,
      target: 'pr',
      cwd: workspace,
      workspace,
      toolsDir: tools,
      exec,
      log,
    });
    // The head itself was checked out: there is no separate merge commit to name in the evidence.
    expect(context).toEqual({ ...target, mergeSha: null });
    expect(asked.map((r) => r.cwd)).toEqual([pr]);
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^info: controlgate: fork-safe pull_request_target: .* in pr /);
  });

  it('the merge commit GitHub built from the head is accepted, and kept in the context', async () => {
    const { workspace, tools } = layout();
    const context = await checkPullRequestTarget({
      context: target,
      target: 'pr',
      cwd: workspace,
      workspace,
      toolsDir: tools,
      exec: gitAt(MERGE).exec,
      log: recordingLog(),
    });
    expect(context.mergeSha).toBe(MERGE);
  });

  it('the pull request checked out into the workspace itself: a clear warning', async () => {
    const { workspace, tools } = layout();
    const log = recordingLog();
    await checkPullRequestTarget({
      context: target,
      target: '.',
      cwd: workspace,
      workspace,
      toolsDir: tools,
      exec: gitAt(HEAD).exec,
      log,
    });
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^warning: .*checked out into the workspace itself.*path: pr/);
  });

  it('a folder with another commit checked out (the base, by default) is refused: the status would lie', async () => {
    const { workspace, tools } = layout();
    const other = 'd'.repeat(40);
    await expect(
      checkPullRequestTarget({
        context: target,
        target: 'pr',
        cwd: workspace,
        workspace,
        toolsDir: tools,
        exec: gitAt(other).exec,
        log: recordingLog(),
      }),
    ).rejects.toThrow(/has dddddddddddd checked out, not the pull request's head aaaaaaaaaaaa/);
  });

  it('a folder that is no git checkout is refused', async () => {
    const { workspace, tools } = layout();
    await expect(
      checkPullRequestTarget({
        context: target,
        target: 'pr',
        cwd: workspace,
        workspace,
        toolsDir: tools,
        exec: gitAt(undefined).exec,
        log: recordingLog(),
      }),
    ).rejects.toThrow(/is not a git checkout/);
  });

  it('a tools folder inside the checked-out pull request is refused before git is asked', async () => {
    const { workspace, pr } = layout();
    const { exec, asked } = gitAt(HEAD);
    await expect(
      checkPullRequestTarget({
        context: target,
        target: 'pr',
        cwd: workspace,
        workspace,
        toolsDir: path.join(pr, '.tools'),
        exec,
        log: recordingLog(),
      }),
    ).rejects.toThrow(/tools folder .* lies inside the checked-out pull request/);
    expect(asked).toEqual([]);
  });

  it('an event without head or base commit is refused', async () => {
    const { workspace, tools } = layout();
    await expect(
      checkPullRequestTarget({
        context: { ...target, baseSha: null },
        target: 'pr',
        cwd: workspace,
        workspace,
        toolsDir: tools,
        exec: gitAt(HEAD).exec,
        log: recordingLog(),
      }),
    ).rejects.toThrow(/no pull request head or base commit/);
  });

  it('other events pass through untouched, without asking git', async () => {
    const { workspace, tools } = layout();
    const { exec, asked } = gitAt(HEAD);
    const log = recordingLog();
    const pullRequest = { ...target, eventName: 'pull_request' };
    const context = await checkPullRequestTarget({
      context: pullRequest,
      target: 'pr',
      cwd: workspace,
      workspace,
      toolsDir: tools,
      exec,
      log,
    });
    expect(context).toBe(pullRequest);
    expect(asked).toEqual([]);
    expect(log.lines).toEqual([]);
  });
});
