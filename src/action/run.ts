import * as core from '@actions/core';
import { realExec } from '../exec.ts';
import { toolsDir } from '../paths.ts';
import { scan, scanExitCode } from '../pipeline/scan.ts';
import { countBySeverity } from '../report/json-report.ts';
import { renderText } from '../report/terminal.ts';

/**
 * Minimal Action: scans the workspace and fails the step when a scanner could not be evaluated.
 * Comments, statuses and evidence upload come with the GitHub Action issue.
 */
export async function run(): Promise<void> {
  try {
    const target = core.getInput('path') || '.';
    const outcome = await scan({ target, exec: realExec, toolsDir: toolsDir(), env: process.env });
    core.info(renderText(outcome));
    core.setOutput('counts', JSON.stringify(countBySeverity(outcome)));
    if (scanExitCode(outcome) !== 0)
      core.setFailed('controlgate: a scanner failed; its controls were not evaluated');
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}
