/**
 * The GitHub Action: reads the inputs and the event, runs the gate with the GitHub platform, and
 * sets the step's exit code once. One catch: the user's mistakes print a message, bugs a stack.
 */
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as core from '@actions/core';
import { clockFromEnv } from './clock.ts';
import { failureText } from './errors.ts';
import { realExec } from './exec/exec.ts';
import { checkPullRequestTarget } from './gate/pull-request-target.ts';
import { recordMerge } from './gate/record-merge.ts';
import { runGate } from './gate/run-gate.ts';
import { policyPaths, settingsFromAction } from './gate/settings.ts';
import { evidenceSigner } from './gate/signing.ts';
import { toolsDir } from './paths.ts';
import { detectContext } from './platforms/detect.ts';
import { type ActionInputs, readInputs, runnerPaths } from './platforms/github/inputs.ts';
import { githubPlatform } from './platforms/github/platform.ts';
import { actionsToolsCache, actionToolsDir } from './platforms/github/tools-cache.ts';
import type { Log } from './platforms/types.ts';

const log: Log = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  error: (line) => core.error(line),
  startGroup: (title) => core.startGroup(title),
  endGroup: () => core.endGroup(),
};

/** `mode: merge-record`: after the merge, the change's record (src/gate/record-merge.ts). */
async function mergeRecord(env: NodeJS.ProcessEnv, inputs: ActionInputs): Promise<number> {
  const runner = runnerPaths(env, process.cwd(), os.tmpdir());
  const cwd = path.resolve(runner.workspace, inputs.workingDirectory);
  const context = detectContext(env);
  const readText = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  return recordMerge(
    {
      policyPaths: policyPaths(
        runner.workspace,
        inputs.config ? path.resolve(cwd, inputs.config) : undefined,
        readText,
      ),
      gateCheckName: inputs.statusContext,
      evidenceArtifact: inputs.evidenceName,
      out: {
        dir: path.join(runner.temp, 'controlgate', inputs.mergeRecordName),
        name: inputs.mergeRecordName,
        upload: true,
        ...(inputs.evidenceRetentionDays !== undefined
          ? { retentionDays: inputs.evidenceRetentionDays }
          : {}),
      },
    },
    {
      clock: clockFromEnv(env),
      platform: githubPlatform(context, { token: inputs.token, env }),
      log,
      signer: evidenceSigner(env, context),
      out: (text) => core.info(text),
    },
  );
}

async function gate(env: NodeJS.ProcessEnv): Promise<number> {
  const inputs = readInputs(env);
  if (inputs.token) core.setSecret(inputs.token);
  if (inputs.mode === 'merge-record') return mergeRecord(env, inputs);
  const runner = runnerPaths(env, process.cwd(), os.tmpdir());
  const settings = settingsFromAction(inputs, runner);
  // CONTROLGATE_TOOLS_DIR first, as everywhere; else a fixed folder of the runner (the cache needs one).
  const tools = env.CONTROLGATE_TOOLS_DIR ? toolsDir(env) : (actionToolsDir(env) ?? toolsDir(env));
  const toolsCache =
    settings.installScanners && inputs.cacheScanners && !settings.reportFrom
      ? actionsToolsCache(env, log)
      : undefined;
  // The second half of the comment-only pattern scans nothing: its results are unverified anyway.
  const context = settings.reportFrom
    ? detectContext(env)
    : await checkPullRequestTarget({
        context: detectContext(env),
        target: settings.target,
        cwd: settings.cwd,
        workspace: runner.workspace,
        toolsDir: tools,
        exec: realExec,
        log,
      });
  return runGate(settings, {
    exec: realExec,
    env,
    toolsDir: tools,
    ...(toolsCache ? { toolsCache } : {}),
    clock: clockFromEnv(env),
    context,
    platformFor: (c) => githubPlatform(c, { token: inputs.token, env }),
    log,
    signer: evidenceSigner(env, context),
    // The Action's report is its job summary and comment; stdout is the step's log.
    out: (text) => core.info(text),
  });
}

/** The Action's `run()`, as src/index.ts and @github/local-action call it. */
export async function run(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  try {
    process.exitCode = await gate(env);
  } catch (error) {
    core.error(`controlgate: ${failureText(error)}`);
    process.exitCode = 2;
  }
}
