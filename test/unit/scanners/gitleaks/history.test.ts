import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import {
  addHistoryResults,
  type CommitLineReader,
  gitCommitLines,
  IDENTITY_KEY,
} from '../../../../scanners/gitleaks/history.ts';
import type { ExecRequest, ExecResult } from '../../../../src/exec/exec.ts';
import { IDENTITY_FINGERPRINT } from '../../../../src/sarif/normalize.ts';
import { REPO_ROOT } from '../../../support/cli.ts';

/*
 * The recorded run (test/fixtures/gitleaks/README.md): commit 9bd4e8b added app/settings.py (an AWS
 * key on line 2, a GitHub token on line 3) and config/removed.py (a Slack token); the head removed
 * removed.py, moved settings.py's keys down a line and added config/dev.env (a Stripe key).
 */
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures', 'gitleaks');
const ADDED = '9bd4e8b78c8705af2c3d4836f0debeff03fe18c0';
const HEAD = '5ece089f645ead0100c637577532c0586c6dc36d';
const BASE = 'eb00b844f4023c13b507ff359768d54274429a32';

function fixture(name: string): Sarif.Log {
  return JSON.parse(readFileSync(path.join(FIXTURES, name), 'utf8')) as Sarif.Log;
}

/** Placeholders stand for the values: sameness is by the line's text, whatever it holds. */
const AWS = 'AWS_KEY = "placeholder-aws"';
const GITHUB = 'GITHUB_TOKEN = "placeholder-github"';
const STRIPE = 'STRIPE_KEY=placeholder-stripe  # gitleaks:allow';
const COMMITS: Record<string, string[]> = {
  [`${ADDED}:app/settings.py`]: ['# settings', AWS, GITHUB],
  [`${ADDED}:config/removed.py`]: ['SLACK_TOKEN = "placeholder-slack"'],
  [`${HEAD}:config/dev.env`]: [STRIPE],
};
const reader: CommitLineReader = async (commit, file, line) => COMMITS[`${commit}:${file}`]?.[line - 1];

const tmp = mkdtempSync(path.join(os.tmpdir(), 'controlgate-gitleaks-history-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'repo');
const cwd = path.join(tmp, 'controlgate-gitleaks-run');
const context = { history: { repoRoot: root, from: BASE, to: HEAD }, root, cwd };

function writeHead(settings: string[]): void {
  mkdirSync(path.join(root, 'app'), { recursive: true });
  mkdirSync(path.join(root, 'config'), { recursive: true });
  writeFileSync(path.join(root, 'app', 'settings.py'), `${settings.join('\n')}\n`);
  writeFileSync(path.join(root, 'config', 'dev.env'), `${STRIPE}\n`);
}

const added = (log: Sarif.Log) =>
  (log.runs[0]?.results ?? []).filter((r) => r.properties?.gitleaksHistory !== undefined);

describe('addHistoryResults', () => {
  beforeEach(() => writeHead(['# moved down by one line', '# settings', AWS, GITHUB]));

  it('adds only the secret the head no longer holds; those still there, moved lines too, are the tree scan’s', async () => {
    const tree = fixture('tree.sarif');
    const before = tree.runs[0]?.results?.length ?? 0;
    await addHistoryResults(fixture('history.sarif'), tree, context, reader);
    expect(tree.runs[0]?.results).toHaveLength(before + 1);
    const [kept] = added(tree);
    expect(kept?.ruleId).toBe('slack-bot-token');
    expect(kept?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe(
      `git-commit:${ADDED}/config/removed.py`,
    );
    expect(kept?.locations?.[0]?.physicalLocation?.region?.startLine).toBe(1);
    expect(kept?.message.text).toBe(
      'slack-bot-token: a secret added to config/removed.py (line 1) in commit 9bd4e8b78c87 of this change is no ' +
        'longer in the head as written there, but it stays in the repository history: treat it as leaked and rotate it.',
    );
    // Gitleaks' own fingerprint: the same on every rerun of this change.
    expect(kept?.partialFingerprints).toEqual({
      commitSha: ADDED,
      [IDENTITY_KEY]: `${ADDED}:config/removed.py:slack-bot-token:1`,
    });
    // No author, e-mail or commit message travels on.
    expect(JSON.stringify(kept)).not.toMatch(/test@example\.com|remove slack/);
  });

  it('keeps a secret whose line the head changed (rotated in place), though the same rule still fires there', async () => {
    writeHead(['# moved down by one line', '# settings', AWS, 'GITHUB_TOKEN = "placeholder-rotated"']);
    const tree = fixture('tree.sarif');
    await addHistoryResults(fixture('history.sarif'), tree, context, reader);
    expect(added(tree).map((r) => [r.ruleId, r.properties?.gitleaksHistory])).toEqual([
      ['slack-bot-token', { commit: ADDED, file: 'config/removed.py', line: 1 }],
      ['github-pat', { commit: ADDED, file: 'app/settings.py', line: 3 }],
    ]);
  });

  it('keeps a result whose commit line git cannot give: a leak reported twice beats one lost', async () => {
    const tree = fixture('tree.sarif');
    await addHistoryResults(fixture('history.sarif'), tree, context, async () => undefined);
    expect(added(tree).map((r) => r.ruleId)).toEqual([
      'slack-bot-token',
      'stripe-access-token',
      'aws-access-token',
      'github-pat',
    ]);
  });

  it('changes nothing when every history result is still in the head', async () => {
    const tree = fixture('tree.sarif');
    const history = fixture('history.sarif');
    const run = history.runs[0];
    if (run) run.results = run.results?.filter((r) => r.ruleId !== 'slack-bot-token');
    const before = JSON.stringify(tree);
    await addHistoryResults(history, tree, context, reader);
    expect(JSON.stringify(tree)).toBe(before);
  });

  it('names its identity under the key normalization reads', () => {
    expect(IDENTITY_KEY).toBe(IDENTITY_FINGERPRINT);
  });
});

describe('gitCommitLines', () => {
  it('asks git once per commit and file, by object name, and reads lines from it', async () => {
    const calls: ExecRequest[] = [];
    const exec = async (request: ExecRequest): Promise<ExecResult> => {
      calls.push(request);
      return {
        exitCode: 0,
        timedOut: false,
        stdout: 'line one\nline two\n',
        stdoutTruncated: false,
        stderrTail: '',
        durationMs: 1,
      };
    };
    const read = gitCommitLines(exec, '/repo');
    expect(await read(ADDED, 'app/settings.py', 2)).toBe('line two');
    expect(await read(ADDED, 'app/settings.py', 1)).toBe('line one');
    expect(calls).toHaveLength(1);
    expect(calls[0]?.file).toBe('git');
    expect(calls[0]?.args).toEqual([
      '-C',
      '/repo',
      '-c',
      'core.hooksPath=/dev/null',
      'cat-file',
      'blob',
      `${ADDED}:app/settings.py`,
    ]);
  });

  it('gives nothing when git fails (a path the commit does not have)', async () => {
    const exec = async (): Promise<ExecResult> => ({
      exitCode: 128,
      timedOut: false,
      stdout: '',
      stdoutTruncated: false,
      stderrTail: 'fatal: path does not exist',
      durationMs: 1,
    });
    expect(await gitCommitLines(exec, '/repo')(ADDED, 'gone.py', 1)).toBeUndefined();
  });
});
