import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ChangeContext } from '../../../src/change-context.ts';
import { decide, publish, statusFor } from '../../../src/gate/publish.ts';
import { type ScanArgs, settingsFromAction, settingsFromCli } from '../../../src/gate/settings.ts';
import { LOCAL_CONTEXT } from '../../../src/platforms/detect.ts';
import { readInputs } from '../../../src/platforms/github/inputs.ts';
import type { Log, Platform } from '../../../src/platforms/types.ts';
import type { JsonReport } from '../../../src/report/json-report-schema.ts';
import { baseline, control, finding, report, scanner } from '../../support/report-builders.ts';

const blockedReport = () =>
  report({ controls: [control('CC6.1', 'fail', { findings: ['fp1'] })], findings: [finding(1)] });
const passingReport = () => report({ controls: [control('CC6.1', 'pass')] });

const runner = { workspace: '/w', temp: '/t' };
const actionSettings = settingsFromAction(readInputs({}), runner);
const cliArgs: ScanArgs = {
  path: '.',
  commentKey: 'default',
  comment: 'update',
  format: 'text',
  progress: false,
};

function recordingLog(): Log & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (l) => lines.push(`info ${l}`),
    warning: (l) => lines.push(`warning ${l}`),
    error: (l) => lines.push(`error ${l}`),
  };
}

const PR: ChangeContext = {
  ...LOCAL_CONTEXT,
  platform: 'github',
  eventName: 'pull_request',
  isChange: true,
  repository: 'octo/shop',
  repoUrl: 'https://github.com/octo/shop',
  headSha: 'b'.repeat(40),
  changeNumber: 7,
  tokenAvailable: true,
  runUrl: 'https://github.com/octo/shop/actions/runs/1',
};

/** A platform that records what the gate asked of it, in order. */
function fakePlatform(context: ChangeContext, overrides: Partial<Platform> = {}) {
  const calls: string[] = [];
  const platform = {
    id: 'github',
    context,
    limits: { commentChars: 65_536 },
    commentName: 'PR comment',
    blobBase: context.repoUrl,
    evidenceHint: (name: string) => `the \`${name}\` artifact`,
    async upsertComment(marker: string, body: string) {
      calls.push(`comment ${marker} ${body.length > 0}`);
      return { outcome: 'created' as const, url: 'https://github.com/octo/shop/pull/7#issuecomment-1' };
    },
    async publishStatus(state: string, description: string, name: string, targetUrl?: string) {
      calls.push(`status ${state} ${name}: ${description}${targetUrl ? ` → ${targetUrl}` : ''}`);
    },
    annotate: () => {
      calls.push('annotate');
      return { errors: 0, warnings: 0 };
    },
    setOutputs: (outputs: Readonly<Record<string, string>>) => {
      calls.push(`outputs ${outputs.decision} ${outputs['exit-code']} ${outputs['failed-criteria']}`);
    },
    async writeSummary(markdown: string) {
      calls.push(`summary ${markdown.startsWith('### controlgate: ')}`);
    },
    describeFailure: (error: unknown) => `failed: ${(error as Error).message}`,
    ...overrides,
  } satisfies Platform;
  return { platform, calls };
}

describe('publish', () => {
  it('outputs, summary, annotations, then the comment and the status', async () => {
    const { platform, calls } = fakePlatform(PR);
    const log = recordingLog();
    await publish({ report: blockedReport(), sarifPaths: {} }, platform, actionSettings, log);
    expect(calls).toEqual([
      'outputs block 1 CC6.1',
      'summary true',
      'annotate',
      'comment <!-- controlgate:comment key=default --> true',
      'status failure controlgate / SOC 2: Blocked: 1 high problem in 1 file (CC6.1) → https://github.com/octo/shop/pull/7#issuecomment-1',
    ]);
    expect(log.lines).toContain(
      'info controlgate: PR comment created (https://github.com/octo/shop/pull/7#issuecomment-1)',
    );
  });

  it('the job summary names the bundle digest and whether it was signed', async () => {
    const summaries: string[] = [];
    const { platform } = fakePlatform(PR, {
      writeSummary: async (markdown: string) => {
        summaries.push(markdown);
      },
    });
    const digest = 'd'.repeat(64);
    // A platform that keeps artifacts itself (GitLab's job artifacts): its own words for where.
    await publish(
      { report: passingReport(), sarifPaths: {}, evidencePath: '/w/ev', evidence: { digest, signed: true } },
      platform,
      actionSettings,
      recordingLog(),
    );
    await publish(
      { report: passingReport(), sarifPaths: {}, evidencePath: '/w/ev', evidence: { digest, signed: false } },
      platform,
      actionSettings,
      recordingLog(),
    );
    expect(summaries[0]).toContain(`bundle digest sha256:${digest}, signed with Sigstore`);
    expect(summaries[1]).toContain(`bundle digest sha256:${digest}, not signed`);
  });

  it('the artifact GitHub stored goes to the summary and the outputs; the status stays the same run to run', async () => {
    const summaries: string[] = [];
    const outputs: Record<string, string>[] = [];
    const { platform, calls } = fakePlatform(
      { ...PR, runUrl: 'https://github.com/octo/shop/actions/runs/9' },
      {
        writeSummary: async (markdown: string) => {
          summaries.push(markdown);
        },
        setOutputs: (o: Readonly<Record<string, string>>) => {
          outputs.push({ ...o });
        },
      },
    );
    const digest = `1234567890abcdef${'e'.repeat(48)}`;
    const artifact = { name: 'controlgate-evidence', id: 4242, digest: 'f'.repeat(64) };
    await publish(
      { report: blockedReport(), sarifPaths: {}, evidence: { digest, signed: true, artifact } },
      platform,
      actionSettings,
      recordingLog(),
    );
    expect(summaries[0]).toContain(`artifact "controlgate-evidence" id 4242 zip sha256:${'f'.repeat(64)}`);
    expect(summaries[0]).toContain('](https://github.com/octo/shop/actions/runs/9/artifacts/4242)');
    expect(outputs[0]).toMatchObject({
      'evidence-digest': `sha256:${digest}`,
      'evidence-artifact-id': '4242',
    });
    expect(calls).toContain(
      'status failure controlgate / SOC 2: Blocked: 1 high problem in 1 file (CC6.1) → https://github.com/octo/shop/pull/7#issuecomment-1',
    );
  });

  it('never claims an artifact the upload did not store: the folder on the runner, said as such', async () => {
    const summaries: string[] = [];
    const bodies: string[] = [];
    const { platform } = fakePlatform(
      { ...PR, runUrl: 'https://github.com/octo/shop/actions/runs/9' },
      {
        writeSummary: async (markdown: string) => {
          summaries.push(markdown);
        },
        upsertComment: async (_marker: string, body: string) => {
          bodies.push(body);
          return { outcome: 'created' as const, url: null };
        },
        uploadEvidence: async () => undefined,
      },
    );
    const evidence = { digest: 'd'.repeat(64), signed: false };
    await publish(
      { report: blockedReport(), sarifPaths: {}, evidencePath: '/tmp/ev', evidence },
      platform,
      actionSettings,
      recordingLog(),
    );
    expect(summaries[0]).toContain('**Evidence:** not uploaded; the bundle is in `/tmp/ev` on the runner');
    expect(summaries[0]).not.toContain('artifact');
    expect(bodies[0]).not.toContain('artifact');
    // Without any bundle: nothing about evidence at all.
    await publish({ report: blockedReport(), sarifPaths: {} }, platform, actionSettings, recordingLog());
    expect(summaries[1]).not.toContain('Evidence');
  });

  it('says once why nothing can be posted, and posts nothing', async () => {
    const { platform, calls } = fakePlatform(PR, { cannotPublish: 'the token is read-only' });
    const log = recordingLog();
    await publish({ report: passingReport(), sarifPaths: {} }, platform, actionSettings, log);
    expect(calls.filter((c) => c.startsWith('comment') || c.startsWith('status'))).toEqual([]);
    expect(log.lines).toEqual(['warning controlgate: the token is read-only']);
  });

  it('a failing comment API is a warning; the status is still posted', async () => {
    const { platform, calls } = fakePlatform(PR, {
      upsertComment: async () => {
        throw new Error('503 unavailable');
      },
    });
    const log = recordingLog();
    await publish({ report: passingReport(), sarifPaths: {} }, platform, actionSettings, log);
    expect(log.lines).toContain('warning controlgate: could not post the comment: failed: 503 unavailable');
    // Without a comment to point at, "Details" opens the run.
    expect(calls).toContain(
      'status success controlgate / SOC 2: Passed: no blocking problems → https://github.com/octo/shop/actions/runs/1',
    );
  });

  it('no comment on a push (no change number), and none when the settings say off', async () => {
    const push = fakePlatform({ ...PR, eventName: 'push', isChange: false, changeNumber: null });
    await publish({ report: passingReport(), sarifPaths: {} }, push.platform, actionSettings, recordingLog());
    expect(push.calls.some((c) => c.startsWith('comment'))).toBe(false);
    expect(push.calls.some((c) => c.startsWith('status'))).toBe(true);
    const off = fakePlatform(PR);
    const settings = settingsFromCli({ ...cliArgs, comment: 'off' }, '/w', false);
    await publish({ report: passingReport(), sarifPaths: {} }, off.platform, settings, recordingLog());
    expect(off.calls.some((c) => c.startsWith('comment'))).toBe(false);
  });

  it('platform reports are written where the settings say', async () => {
    const written: string[] = [];
    const { platform } = fakePlatform(PR, {
      writeReports: async (_report: JsonReport, dir: string) => {
        written.push(dir);
        return [path.join(dir, 'gl-sast-report.json')];
      },
    });
    const settings = settingsFromCli({ ...cliArgs, reportsDir: 'reports' }, '/w', true);
    const files = await publish(
      { report: passingReport(), sarifPaths: {} },
      platform,
      settings,
      recordingLog(),
    );
    expect(written).toEqual(['/w/reports']);
    expect(files).toEqual(['/w/reports/gl-sast-report.json']);
  });
});

describe('an unverified report (report-from)', () => {
  it('is commented as unverified, never sets a status, and decides nothing', async () => {
    const bodies: string[] = [];
    const { platform, calls } = fakePlatform(PR, {
      async upsertComment(_marker: string, body: string) {
        bodies.push(body);
        return { outcome: 'created' as const, url: null };
      },
    });
    const log = recordingLog();
    const produced = {
      report: passingReport(),
      sarifPaths: {},
      unverified: 'Read from the PR’s own artifact.',
    };
    await publish(produced, platform, actionSettings, log);
    expect(calls.some((c) => c.startsWith('status'))).toBe(false);
    expect(bodies[0]).toContain('⚠️ Unverified report (the run says: no blocking criterion failed)');
    expect(bodies[0]).not.toContain('Passed');
    expect(decide(produced.report, actionSettings, log, produced.unverified)).toBe(0);
    expect(log.lines.join('\n')).not.toMatch(/controls pass/);
  });
});

describe('decide', () => {
  it('the report’s exit code, announced when the settings ask', () => {
    const log = recordingLog();
    expect(decide(blockedReport(), actionSettings, log)).toBe(1);
    expect(decide(passingReport(), actionSettings, log)).toBe(0);
    expect(log.lines).toEqual([
      'error controlgate: blocked — CC6.1 fail',
      'info controlgate: SOC 2 controls pass',
    ]);
  });

  it('report-only passes the step and says what it would have done', () => {
    const log = recordingLog();
    expect(decide(blockedReport(), { ...actionSettings, failMode: 'report-only' }, log)).toBe(0);
    expect(log.lines).toEqual(['warning controlgate: blocked — CC6.1 fail (fail-mode: report-only)']);
  });

  it('the CLI stays quiet: its report already says it', () => {
    const log = recordingLog();
    expect(decide(blockedReport(), settingsFromCli(cliArgs, '/w', false), log)).toBe(1);
    expect(log.lines).toEqual([]);
  });
});

describe('statusFor', () => {
  it('counts the blocking problems by severity, their files and the failing criteria', () => {
    const findings = [
      finding(1, { severity: 'critical' }),
      finding(2, { severity: 'high' }),
      finding(3, { severity: 'high', path: 'app/file1.py' }),
      finding(4, { severity: 'medium' }),
    ];
    const blocked = report({
      controls: [
        control('CC6.1', 'fail', { findings: ['fp1', 'fp2'] }),
        // A problem failing two criteria counts once.
        control('CC7.1', 'fail', { findings: ['fp2', 'fp3'] }),
        control('CC8.1', 'warn', { findings: ['fp4'] }),
      ],
      findings,
    });
    expect(statusFor(blocked)).toEqual({
      state: 'failure',
      description: 'Blocked: 1 critical and 2 high problems in 2 files (CC6.1, CC7.1)',
    });
  });

  it('says "new" when compared with a base, and what passed below the bar or under waiver', () => {
    const compared = report({
      controls: [control('CC6.1', 'pass')],
      findings: [
        finding(1, { severity: 'low', baselineState: 'new' }),
        finding(2, { baselineState: 'unchanged' }),
      ],
      baseline: baseline(),
    });
    expect(statusFor(compared).description).toBe(
      'Passed: no new blocking problems (1 new problem below the bar)',
    );
    expect(statusFor(passingReport())).toEqual({
      state: 'success',
      description: 'Passed: no blocking problems',
    });
  });

  it('names the failed scanners and the criteria left unknown', () => {
    const failed = report({
      controls: [control('CC7.1', 'not-evaluated', { blocking: true })],
      scanners: [scanner('kics', { status: 'failed' })],
    });
    expect(statusFor(failed)).toEqual({
      state: 'error',
      description: 'Not evaluated: kics failed; CC7.1 unknown',
    });
  });
});
