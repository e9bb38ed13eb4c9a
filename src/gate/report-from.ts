import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeContext } from '../change-context.ts';
import type { Log, Platform } from '../platforms/types.ts';
import { parseJsonReport } from '../report/json-report-schema.ts';
import type { Produced } from './publish.ts';

/** What the comment and summary say about results read from an artifact. */
export const UNVERIFIED =
  "These results were read from an artifact that the pull request's own workflow run wrote, and nothing verified them: a pull request can write any result there. No commit status is set from them; the scanning run's own check is what counts.";

/** The change number an artifact's run.json claims; none when it is missing, not JSON, or not a number. */
async function claimedChange(file: string): Promise<number | undefined> {
  try {
    const facts = JSON.parse(await readFile(file, 'utf8')) as { changeNumber?: unknown } | null;
    return typeof facts?.changeNumber === 'number' ? facts.changeNumber : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Second half of the comment-only fork pattern (a `workflow_run` job with write permission): the
 * results come from the first run's evidence, which the pull request could have written, so they
 * are posted as unverified and never set a status. The PR number in it is untrusted too: it is only
 * used when that PR's head is the commit the triggering run scanned.
 */
export async function readEvidenceResults(
  dir: string,
  context: ChangeContext,
  platformFor: (context: ChangeContext) => Platform,
  log: Log,
): Promise<{ produced: Produced; context: ChangeContext }> {
  const reportFile = path.join(dir, 'controlgate.json');
  const report = parseJsonReport(await readFile(reportFile, 'utf8'), reportFile);
  let changeNumber = context.changeNumber;
  const claimed = await claimedChange(path.join(dir, 'run.json'));
  const platform = platformFor(context);
  if (
    changeNumber === null &&
    typeof claimed === 'number' &&
    context.headSha &&
    platform.confirmChange &&
    platform.cannotPublish === undefined
  ) {
    try {
      if (await platform.confirmChange(claimed, context.headSha)) changeNumber = claimed;
      else
        log.warning(
          `controlgate: the evidence names PR #${claimed}, whose head is not the scanned commit; not commenting`,
        );
    } catch (error) {
      // Unreachable API: no comment (the PR cannot be checked), but the gate still decides.
      log.warning(
        `controlgate: could not post the comment (could not check PR #${claimed}'s head): ${platform.describeFailure(error)}`,
      );
    }
  }
  return {
    produced: { report, evidencePath: dir, sarifPaths: {}, unverified: UNVERIFIED },
    context: { ...context, changeNumber },
  };
}
