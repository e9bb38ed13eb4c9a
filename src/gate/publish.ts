import type { ChangeContext } from '../change-context.ts';
import type { Log, Platform, StatusState, UploadedArtifact } from '../platforms/types.ts';
import { blockingCount, blockingProblems } from '../report/blocking-problems.ts';
import type { JsonReport } from '../report/json-report-schema.ts';
import { commentMarker, renderComment } from '../report/markdown/comment.ts';
import { artifactUrl, type EvidenceLink, renderJobSummary } from '../report/markdown/summary.ts';
import type { ResolvedFailMode } from './fail-mode.ts';
import { planReviewFor, publishReview } from './publish-review.ts';
import type { GateSettings } from './settings.ts';

/** What the run produced besides the report, for the platform's outputs. */
export interface Produced {
  report: JsonReport;
  /** The evidence bundle's folder, when one was written (or read, for the fork-safe second half). */
  evidencePath?: string;
  /**
   * The bundle digest of the evidence this run wrote, whether it was signed, and the artifact the
   * platform stored it as: shown in the job summary, the outputs and (the digest) the commit status.
   */
  evidence?: { digest: string; signed: boolean; artifact?: UploadedArtifact };
  /** Scanner id → its own SARIF file. */
  sarifPaths: Readonly<Record<string, string>>;
  /**
   * Why these results are not verified: they were read from an artifact a pull request's own run
   * wrote. Then no status is set and nothing says the change passed.
   */
  unverified?: string;
}

function failedCriteria(report: JsonReport): string[] {
  return report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id);
}

function problems(n: number, adjective: string): string {
  return `${n} ${adjective}problem${n === 1 ? '' : 's'}`;
}

/**
 * The status a required check shows, said the same way on every platform, with the counts a reader
 * of the checks list needs (GitHub shows about 140 characters; the platform cuts what is longer).
 */
export function statusFor(report: JsonReport): { state: StatusState; description: string } {
  const compared = report.baseline?.status === 'compared';
  const adjective = compared ? 'new ' : '';
  if (report.exitCode === 0) {
    const counted = report.findings.filter((f) => !f.suppressed && f.waiver === null);
    const open = compared ? counted.filter((f) => f.baselineState === 'new') : counted;
    const waived = report.findings.filter((f) => f.waiver !== null).length;
    const facts = [
      ...(open.length > 0 ? [`${problems(open.length, adjective)} below the bar`] : []),
      ...(waived > 0 ? [`${waived} waived`] : []),
    ];
    return {
      state: 'success',
      description: `Passed: no ${adjective}blocking problems${facts.length > 0 ? ` (${facts.join(', ')})` : ''}`,
    };
  }
  if (report.exitCode === 1) {
    const blocking = blockingProblems(report);
    if (blocking.length === 0)
      return { state: 'failure', description: `Blocked: ${failedCriteria(report).join(', ')} fail` };
    return {
      state: 'failure',
      description: `Blocked: ${blockingCount(report, blocking)} (${failedCriteria(report).join(', ')})`,
    };
  }
  const failed = report.scanners.filter((s) => s.status === 'failed').map((s) => s.id);
  const unevaluated = report.controls
    .filter((c) => c.verdict === 'not-evaluated' && c.blocking)
    .map((c) => c.id);
  return {
    state: 'error',
    description: `Not evaluated: ${failed.length > 0 ? `${failed.join(', ')} failed` : 'a scanner failed'}; ${unevaluated.join(', ')} unknown`,
  };
}

function links(context: ChangeContext, blobBase: string | null) {
  return {
    ...(blobBase ? { repoUrl: blobBase } : {}),
    ...(context.headSha ? { headSha: context.headSha } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
  };
}

/** A publication's failure (403 from a read-only token, an API outage) is a warning: the exit code still decides. */
async function guarded(what: string, platform: Platform, log: Log, action: () => Promise<void>) {
  try {
    await action();
  } catch (error) {
    log.warning(`controlgate: could not post the ${what}: ${platform.describeFailure(error)}`);
  }
}

/**
 * Where the run's evidence can be found, only as far as it is true: the artifact the platform stored
 * (linked on GitHub); where the platform uploads and did not, the folder on the runner, said as such;
 * where the platform keeps no artifacts itself (GitLab's job artifacts, a local run), its own words.
 * The digest ties the line to one bundle: what `evidence verify` prints for it.
 */
function evidenceWhere(
  produced: Produced,
  platform: Platform,
  settings: GateSettings,
): EvidenceLink | undefined {
  const e = produced.evidence;
  const bundle = e
    ? ` (bundle digest sha256:${e.digest}, ${e.signed ? 'signed with Sigstore' : 'not signed'})`
    : '';
  const artifact = e?.artifact;
  if (artifact) {
    const url = artifactUrl(platform.context.runUrl ?? undefined, artifact.id);
    const stored = `artifact "${artifact.name}"${artifact.id !== null ? ` id ${artifact.id}` : ''}${artifact.digest ? ` zip sha256:${artifact.digest}` : ''}`;
    return { text: `${stored}${bundle}`, ...(url ? { url } : {}) };
  }
  if (!produced.evidencePath) return undefined;
  if (platform.uploadEvidence)
    return { text: `not uploaded; the bundle is in \`${produced.evidencePath}\` on the runner${bundle}` };
  return { text: `${platform.evidenceHint(settings.evidence.name)}${bundle}` };
}

/**
 * Everything the platform shows: outputs, summary, annotations, its own report files, the sticky
 * comment and the commit status, each as far as the platform can. Returns the report files written.
 */
export async function publish(
  produced: Produced,
  platform: Platform,
  settings: GateSettings,
  log: Log,
): Promise<string[]> {
  const { report } = produced;
  const { context } = platform;
  platform.setOutputs?.({
    decision: report.decision,
    'exit-code': String(report.exitCode),
    'failed-criteria': failedCriteria(report).join(','),
    counts: JSON.stringify(report.summary.bySeverity),
    'evidence-path': produced.evidencePath ?? '',
    'evidence-digest': produced.evidence ? `sha256:${produced.evidence.digest}` : '',
    'evidence-artifact-id':
      produced.evidence?.artifact?.id !== undefined && produced.evidence.artifact.id !== null
        ? String(produced.evidence.artifact.id)
        : '',
    'sarif-paths': JSON.stringify(produced.sarifPaths),
  });
  const unverified = produced.unverified ? { unverified: produced.unverified } : {};
  const evidence = evidenceWhere(produced, platform, settings);
  await platform.writeSummary?.(
    renderJobSummary(report, {
      ...links(context, platform.blobBase),
      ...(evidence ? { evidence } : {}),
      ...unverified,
    }),
  );
  if (settings.annotations) platform.annotate?.(report);
  const reports = (await platform.writeReports?.(report, settings.reportsDir)) ?? [];

  const review = await planReviewFor(report, platform, settings, produced.unverified);
  const comment = review.sticky !== 'none' && context.changeNumber !== null && platform.upsertComment;
  // A status is what branch protection trusts: never from results nobody verified.
  const status = settings.status.enabled && !produced.unverified && platform.publishStatus;
  if (settings.status.enabled && produced.unverified)
    log.warning(
      'controlgate: no commit status from an unverified report (report-from): the scanning run sets its own',
    );
  if (!comment && !status && !review.comments) return reports;
  if (platform.cannotPublish) {
    log.warning(`controlgate: ${platform.cannotPublish}`);
    return reports;
  }
  let commentUrl: string | null = null;
  if (comment) {
    const body = renderComment(report, {
      commentKey: settings.comment.key,
      ...links(context, platform.blobBase),
      // The comment names the evidence only where its readers can get it.
      ...(evidence && (produced.evidence?.artifact || !platform.uploadEvidence)
        ? { detailsHint: platform.evidenceHint(settings.evidence.name) }
        : {}),
      maxChars: platform.limits.commentChars,
      ...unverified,
    });
    await guarded('comment', platform, log, async () => {
      const create = { create: review.sticky === 'always' };
      const posted = await comment.call(platform, commentMarker(settings.comment.key), body, create);
      commentUrl = posted.url;
      log.info(
        `controlgate: ${platform.commentName} ${posted.outcome}${posted.url ? ` (${posted.url})` : ''}`,
      );
    });
  }
  await guarded('review comments', platform, log, () =>
    publishReview(review, platform, settings.comment.key, log),
  );
  if (status) {
    // The bundle digest stays off the status (it is in the job summary and the outputs): it changes
    // on every run, and a rerun with the same result must not write the status again.
    const { state, description } = statusFor(report);
    // "Details" opens the comment that says what to fix; without one, the run and its job summary.
    const target = commentUrl ?? context.runUrl ?? undefined;
    await guarded('commit status', platform, log, () =>
      status.call(platform, state, description, settings.status.context, target),
    );
  }
  return reports;
}

/**
 * The exit code, decided once: 2 when a failed scanner left a blocking criterion not evaluated, 1
 * when controls block, 0 when the change passes; report-only mode says so and passes the step.
 */
export function decide(
  report: JsonReport,
  settings: GateSettings,
  log: Log,
  unverified?: string,
  failMode: ResolvedFailMode = { mode: settings.failMode === 'report-only' ? 'report-only' : 'enforce' },
): number {
  if (unverified) {
    // Nothing was decided here: the run that scanned decided, with its own exit code.
    log.warning(
      `controlgate: reported the pull request run's own result (decision: ${report.decision}), unverified; this step decides nothing`,
    );
    return 0;
  }
  const message =
    report.exitCode === 1
      ? `controlgate: blocked — ${failedCriteria(report).join(', ')} fail`
      : report.exitCode === 2
        ? 'controlgate: a failed scanner left a blocking SOC 2 criterion not evaluated'
        : 'controlgate: SOC 2 controls pass';
  if (report.exitCode === 0) {
    if (settings.announceDecision) log.info(message);
    return 0;
  }
  if (failMode.mode === 'report-only') {
    log.warning(`${message} (${failMode.because ?? 'fail-mode: report-only'})`);
    return 0;
  }
  if (settings.announceDecision) log.error(message);
  return report.exitCode;
}
