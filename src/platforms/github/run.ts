import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { clockFromEnv } from '../../clock.ts';
import { writeEvidence } from '../../evidence/bundle.ts';
import { collectRunFacts } from '../../evidence/collect-facts.ts';
import { realExec } from '../../exec.ts';
import { describeOutcome, installScanners } from '../../install/index.ts';
import { toolsDir } from '../../paths.ts';
import { scan } from '../../pipeline/scan.ts';
import { type JsonReport, jsonReport } from '../../report/json-report.ts';
import { commentMarker, renderComment } from '../../report/markdown/comment.ts';
import { renderJobSummary } from '../../report/markdown/summary.ts';
import { scannerLine, scannerStartLine } from '../../report/terminal.ts';
import { apiBudget, apiLimits } from '../api-limits.ts';
import { chooseBase } from '../change-base.ts';
import type { ChangeContext, Platform } from '../types.ts';
import { githubClient, httpStatus } from './client.ts';
import { githubContext } from './context.ts';
import { type ActionInputs, InputError, readInputs } from './inputs.ts';
import { githubPlatform } from './platform.ts';
import { annotate, uploadEvidence, writeScannerSarif } from './publish.ts';

interface Produced {
  report: JsonReport;
  evidencePath: string;
  sarifPaths: Record<string, string>;
  /** The change the report is about; for the fork-safe second half it comes from the evidence. */
  context: ChangeContext;
}

/** The token can write unless this is a pull_request from a fork (GitHub hands those a read-only one). */
function canWrite(context: ChangeContext): boolean {
  return !(context.isFork && context.eventName === 'pull_request');
}

async function scanAndRecord(
  inputs: ActionInputs,
  context: ChangeContext,
  env: NodeJS.ProcessEnv,
): Promise<Produced> {
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const cwd = path.resolve(workspace, inputs.workingDirectory);
  if (inputs.installScanners) {
    const outcomes = await installScanners(realExec, toolsDir(env), (line) => core.info(line));
    for (const o of outcomes) core.info(describeOutcome(o));
  }
  const base = chooseBase(
    inputs.base === 'auto' ? undefined : inputs.base === 'none' ? false : inputs.base,
    env,
  );
  if (base?.source === 'ci') core.info(`comparing with the base commit ${base.ref.slice(0, 12)}`);
  const outcome = await scan({
    target: inputs.path,
    ...(inputs.scanners ? { scannerIds: inputs.scanners } : {}),
    ...(inputs.config ? { configFile: inputs.config } : {}),
    ...(base ? { base } : {}),
    ...(inputs.baseline ? { baselineBundle: path.resolve(cwd, inputs.baseline) } : {}),
    exec: realExec,
    toolsDir: toolsDir(env),
    env,
    cwd,
    clock: clockFromEnv(env),
    onProgress: (event) => {
      const side = event.phase === 'base' ? ' (base)' : '';
      if (event.type === 'end') core.info(`${scannerLine(event.run).trim()}${side}`);
      else core.info(`${scannerStartLine(event.displayName, event.files)}${side}`);
    },
  });
  const temp = path.join(env.RUNNER_TEMP ?? os.tmpdir(), 'controlgate');
  const evidencePath = path.join(temp, inputs.evidenceName);
  const facts = await collectRunFacts(outcome, realExec, env);
  const written = await writeEvidence(outcome, facts, { dir: evidencePath });
  const sarifPaths = await writeScannerSarif(outcome, path.join(temp, 'sarif'));
  await uploadEvidence(inputs.evidenceName, evidencePath, written.paths, inputs.evidenceRetentionDays, env);
  return { report: jsonReport(outcome), evidencePath, sarifPaths, context };
}

/**
 * Second half of the fork-safe pattern (a `workflow_run` job with write permission): the results
 * come from the first run's evidence. The PR number in it is untrusted, so it is only used when
 * that PR's head is the commit the triggering run scanned.
 */
async function fromEvidence(
  dir: string,
  context: ChangeContext,
  inputs: ActionInputs,
  env: NodeJS.ProcessEnv,
): Promise<Produced> {
  const report = JSON.parse(await readFile(path.join(dir, 'controlgate.json'), 'utf8')) as JsonReport;
  const facts = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as {
    changeNumber: number | null;
    commit: string | null;
  };
  let changeNumber = context.changeNumber;
  if (changeNumber === null && facts.changeNumber !== null && inputs.token && context.headSha) {
    const client = githubClient(inputs.token, core, apiBudget(apiLimits(env)));
    const [owner = '', repo = ''] = (context.repository ?? '').split('/');
    const number = facts.changeNumber;
    // Unreachable API: no comment (the PR cannot be checked), but the gate still decides below.
    await guarded(`comment (could not check PR #${number}'s head)`, inputs.token, async () => {
      const pr = await client.rest.pulls.get({ owner, repo, pull_number: number });
      if (pr.data.head.sha === context.headSha) changeNumber = number;
      else
        core.warning(
          `controlgate: the evidence names PR #${number}, whose head is not the scanned commit; not commenting`,
        );
    });
  }
  return { report, evidencePath: dir, sarifPaths: {}, context: { ...context, changeNumber } };
}

async function publish(produced: Produced, inputs: ActionInputs, env: NodeJS.ProcessEnv): Promise<void> {
  const { report, context } = produced;
  if (!canWrite(context)) {
    core.warning(
      'controlgate: this pull request comes from a fork, so the token is read-only: no comment or status is posted. The decision is still enforced; see the README for the two-workflow pattern that comments on fork PRs.',
    );
    return;
  }
  if (!inputs.token) {
    core.warning('controlgate: no token given; no comment or status is posted');
    return;
  }
  // Each publication gets its own API budget: a dead API delays the job a bounded time, and a comment
  // API that fails for good cannot use up the time of the status that branch protection requires.
  const limits = apiLimits(env);
  const platform = (): Platform =>
    githubPlatform(githubClient(inputs.token, core, apiBudget(limits)), context);
  const detailsHint = `the \`${inputs.evidenceName}\` artifact`;
  const options = {
    commentKey: inputs.commentKey,
    ...(context.repoUrl ? { repoUrl: context.repoUrl } : {}),
    ...(context.headSha ? { headSha: context.headSha } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    detailsHint,
  };
  if (inputs.comment === 'update' && context.changeNumber !== null) {
    await guarded('comment', inputs.token, async () => {
      const outcome = await platform().upsertComment(
        commentMarker(inputs.commentKey),
        renderComment(report, options),
      );
      core.info(`controlgate: PR comment ${outcome}`);
    });
  }
  if (inputs.status) {
    const failed = report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id);
    const state = report.exitCode === 0 ? 'success' : report.exitCode === 1 ? 'failure' : 'error';
    const description =
      report.exitCode === 0
        ? 'SOC 2 controls pass'
        : report.exitCode === 1
          ? `blocked: ${failed.join(', ')} fail`
          : 'could not evaluate every blocking control';
    await guarded('commit status', inputs.token, () =>
      platform().publishStatus(state, description, inputs.statusContext),
    );
  }
}

/** Publishing problems (403 from a read-only token, an API outage) are warnings: the exit code still decides. */
async function guarded(what: string, token: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const status = httpStatus(error);
    const hint =
      status === 403
        ? ' (the token cannot write here: fork PR or missing `pull-requests: write` / `statuses: write` permission)'
        : '';
    // The API's own words are quoted, and a server or proxy may echo the credentials it was sent;
    // `setSecret` masks them only on a real runner.
    const message = error instanceof Error ? error.message : String(error);
    const said = token ? message.replaceAll(token, '***') : message;
    core.warning(`controlgate: could not post the ${what}: ${status ?? ''} ${said}${hint}`);
  }
}

function setOutputs(produced: Produced): void {
  const { report } = produced;
  core.setOutput('decision', report.decision);
  core.setOutput('exit-code', String(report.exitCode));
  core.setOutput(
    'failed-criteria',
    report.controls
      .filter((c) => c.verdict === 'fail')
      .map((c) => c.id)
      .join(','),
  );
  core.setOutput('counts', JSON.stringify(report.summary.bySeverity));
  core.setOutput('evidence-path', produced.evidencePath);
  core.setOutput('sarif-paths', JSON.stringify(produced.sarifPaths));
}

/** The Action: scan (or read the first half's evidence), publish where people look, enforce the gate. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let inputs: ActionInputs;
  try {
    inputs = readInputs(env);
  } catch (error) {
    core.error(`controlgate: ${error instanceof InputError ? error.message : String(error)}`);
    process.exitCode = 2;
    return;
  }
  if (inputs.token) core.setSecret(inputs.token);
  const context = githubContext(env);
  if (context.eventName === 'pull_request_target') {
    core.warning(
      'controlgate: pull_request_target runs with a write token and secrets. controlgate only reads the code it scans, but never check out and build the PR head in such a workflow (see the README).',
    );
  }
  try {
    const produced = inputs.reportFrom
      ? await fromEvidence(inputs.reportFrom, context, inputs, env)
      : await scanAndRecord(inputs, context, env);
    setOutputs(produced);
    const summaryOptions = {
      ...(produced.context.repoUrl ? { repoUrl: produced.context.repoUrl } : {}),
      ...(produced.context.headSha ? { headSha: produced.context.headSha } : {}),
      ...(produced.context.runUrl ? { runUrl: produced.context.runUrl } : {}),
      detailsHint: `the \`${inputs.evidenceName}\` artifact of this run`,
    };
    if (env.GITHUB_STEP_SUMMARY)
      await core.summary.addRaw(renderJobSummary(produced.report, summaryOptions)).write();
    if (inputs.annotations && !inputs.reportFrom) annotate(produced.report);
    await publish(produced, inputs, env);
    const { report } = produced;
    const failed = report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id);
    const message =
      report.exitCode === 1
        ? `controlgate: blocked — ${failed.join(', ')} fail`
        : report.exitCode === 2
          ? 'controlgate: a failed scanner left a blocking SOC 2 criterion not evaluated'
          : 'controlgate: SOC 2 controls pass';
    if (report.exitCode === 0) core.info(message);
    else if (inputs.failMode === 'report-only') core.warning(`${message} (fail-mode: report-only)`);
    else {
      core.error(message);
      process.exitCode = report.exitCode;
    }
  } catch (error) {
    // Configuration mistakes and internal errors: could not evaluate.
    core.error(`controlgate: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  }
}
