/**
 * The GitHub Action: reads the inputs and the event, runs the gate with the GitHub platform, and
 * sets the step's exit code once. One catch: the user's mistakes print a message, bugs a stack.
 */
import os from 'node:os';
import * as core from '@actions/core';
import { clockFromEnv } from './clock.ts';
import { failureText } from './errors.ts';
import { realExec } from './exec/exec.ts';
import { runGate } from './gate/run-gate.ts';
import { settingsFromAction } from './gate/settings.ts';
import { toolsDir } from './paths.ts';
import { detectContext } from './platforms/detect.ts';
import { readInputs, runnerPaths } from './platforms/github/inputs.ts';
import { githubPlatform } from './platforms/github/platform.ts';
import type { Log } from './platforms/types.ts';

const log: Log = {
  info: (line) => core.info(line),
  warning: (line) => core.warning(line),
  error: (line) => core.error(line),
};

async function gate(env: NodeJS.ProcessEnv): Promise<number> {
  const inputs = readInputs(env);
  if (inputs.token) core.setSecret(inputs.token);
  const context = detectContext(env);
  if (context.eventName === 'pull_request_target') {
    log.warning(
      'controlgate: pull_request_target runs with a write token and secrets. controlgate only reads the code it scans, but never check out and build the PR head in such a workflow (see the README).',
    );
  }
  const settings = settingsFromAction(inputs, runnerPaths(env, process.cwd(), os.tmpdir()));
  return runGate(settings, {
    exec: realExec,
    env,
    toolsDir: toolsDir(env),
    clock: clockFromEnv(env),
    context,
    platformFor: (c) => githubPlatform(c, { token: inputs.token, env }),
    log,
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
