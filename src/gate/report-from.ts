import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChangeContext } from '../change-context.ts';
import type { Log, Platform } from '../platforms/types.ts';
import { parseJsonReport } from '../report/json-report-schema.ts';
import type { Produced } from './publish.ts';

/** The parts of run.json the second half reads. */
interface EvidenceFacts {
  changeNumber: number | null;
}

/**
 * Second half of the fork-safe pattern (a `workflow_run` job with write permission): the results
 * come from the first run's evidence. The PR number in it is untrusted, so it is only used when
 * that PR's head is the commit the triggering run scanned.
 */
export async function readEvidenceResults(
  dir: string,
  context: ChangeContext,
  platformFor: (context: ChangeContext) => Platform,
  log: Log,
): Promise<{ produced: Produced; context: ChangeContext }> {
  const reportFile = path.join(dir, 'controlgate.json');
  const report = parseJsonReport(await readFile(reportFile, 'utf8'), reportFile);
  const facts = JSON.parse(await readFile(path.join(dir, 'run.json'), 'utf8')) as EvidenceFacts;
  let changeNumber = context.changeNumber;
  const claimed = facts.changeNumber;
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
  return { produced: { report, evidencePath: dir, sarifPaths: {} }, context: { ...context, changeNumber } };
}
