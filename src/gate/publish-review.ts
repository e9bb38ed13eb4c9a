import type { ChangeContext } from '../change-context.ts';
import { realExec } from '../exec/exec.ts';
import { redactSnippet } from '../findings/redact.ts';
import type { Log, Platform, ReviewComment } from '../platforms/types.ts';
import { blockingProblems } from '../report/blocking-problems.ts';
import type { JsonReport } from '../report/json-report-schema.ts';
import { renderReviewComment } from '../report/markdown/review-comment.ts';
import { suggestLines } from '../report/suggestion.ts';
import { gitReviewLines, type ReviewLines } from './review-lines.ts';
import type { GateSettings } from './settings.ts';

type ReportFinding = JsonReport['findings'][number];

/**
 * What the run says where. `sticky`: always (create or update the sticky comment), if-exists (only
 * update one an earlier run left: everything is said inline now, but an old comment must not stay
 * out of date) or none. `comments`: the inline comments to sync; undefined when none are synced.
 */
export interface ReviewPlan {
  sticky: 'always' | 'if-exists' | 'none';
  comments?: ReviewComment[];
}

/** The problems an inline comment is for: new in this change, blocking a failing criterion, and nobody's waiver. */
export function newBlockingProblems(report: JsonReport): ReportFinding[] {
  return blockingProblems(report).filter(
    (f) => f.baselineState === 'new' && !f.suppressed && f.waiver === null && f.inWorkspace,
  );
}

/**
 * Each problem's id in its comment's marker: its fingerprint, and for the same code found again in
 * the file (one fingerprint, several places) `<fingerprint>.2`, `.3`… in the order of the lines.
 */
export function occurrenceIds(problems: readonly ReportFinding[]): Map<ReportFinding, string> {
  const ordered = [...problems].sort((a, b) =>
    a.path === b.path ? a.line - b.line || (a.column ?? 0) - (b.column ?? 0) : a.path < b.path ? -1 : 1,
  );
  const seen = new Map<string, number>();
  const ids = new Map<ReportFinding, string>();
  for (const f of ordered) {
    const n = (seen.get(f.fingerprint) ?? 0) + 1;
    seen.set(f.fingerprint, n);
    ids.set(f, n === 1 ? f.fingerprint : `${f.fingerprint}.${n}`);
  }
  return ids;
}

/**
 * The inline comment for a problem, when its line is one the change wrote. A fix becomes a
 * suggestion only when every line it replaces is one the change wrote (the platform accepts a
 * comment only on the diff) and the problem's line is among them.
 */
export function reviewCommentFor(
  finding: ReportFinding,
  file: { repoPath: string; changed: ReadonlySet<number>; text: string },
  commentKey: string,
  flavor: 'github' | 'gitlab',
  id: string = finding.fingerprint,
): ReviewComment | undefined {
  if (!file.changed.has(finding.line)) return undefined;
  let suggestion = finding.fix && !finding.secret ? suggestLines(finding.fix, file.text) : undefined;
  if (suggestion) {
    const { startLine, endLine } = suggestion;
    const covers = startLine <= finding.line && finding.line <= endLine;
    for (let n = startLine; n <= endLine && covers; n++) if (!file.changed.has(n)) suggestion = undefined;
    if (!covers) suggestion = undefined;
    // The suggestion quotes whole lines of the file, not only the fix: a credential beside the
    // fixed code (`h = md5(x); token = "ghp_…"`) would be posted. Then no suggestion, the comment stays.
    if (suggestion?.lines.some((l) => redactSnippet(l) !== l)) suggestion = undefined;
  }
  const startLine = suggestion?.startLine ?? finding.line;
  const endLine = suggestion?.endLine ?? finding.line;
  return {
    fingerprint: id,
    path: file.repoPath,
    startLine,
    endLine,
    body: renderReviewComment(finding, { commentKey, flavor, id, ...(suggestion ? { suggestion } : {}) }),
  };
}

/** Whether the sticky comment says something the inline comments do not. */
function stickyNeeded(report: JsonReport, inline: ReadonlySet<ReportFinding>): boolean {
  const failing = report.controls.filter((c) => c.verdict === 'fail' && c.blocking);
  if (failing.some((c) => c.findings.length === 0)) return true;
  if (blockingProblems(report).some((f) => !inline.has(f))) return true;
  if (report.controls.some((c) => c.verdict === 'not-evaluated')) return true;
  const proposed = report.policy.proposed;
  return proposed !== null && (proposed.invalid !== null || proposed.changes.length > 0);
}

/**
 * Decides what goes inline and whether the sticky comment is still wanted, for the comment mode:
 * update → the sticky comment only (today's behaviour); both → both in full; review → inline
 * comments, and the sticky comment only for what they do not say (or to bring an earlier one up to
 * date); off → nothing. Results nobody verified, and runs with no change, get no inline comments.
 */
export async function planReview(
  report: JsonReport,
  options: {
    mode: GateSettings['comment']['mode'];
    commentKey: string;
    context: ChangeContext;
    flavor: 'github' | 'gitlab';
    canReview: boolean;
    unverified?: string;
    lines: () => Promise<ReviewLines | undefined>;
  },
): Promise<ReviewPlan> {
  const { mode } = options;
  if (mode === 'off' || options.context.changeNumber === null) return { sticky: 'none' };
  if (mode === 'update') return { sticky: 'always' };
  if (!options.canReview || options.unverified) return { sticky: 'always' };
  const lines = await options.lines();
  const comments: ReviewComment[] = [];
  const inline = new Set<ReportFinding>();
  const problems = lines ? newBlockingProblems(report) : [];
  const ids = occurrenceIds(problems);
  for (const finding of problems) {
    const file = await lines?.of(finding.path);
    const id = ids.get(finding) ?? finding.fingerprint;
    const comment = file && reviewCommentFor(finding, file, options.commentKey, options.flavor, id);
    // Two tools' findings of one line are merged into one problem already; two problems on one line get two comments.
    if (!comment) continue;
    comments.push(comment);
    inline.add(finding);
  }
  if (mode === 'both') return { sticky: 'always', comments };
  return { sticky: stickyNeeded(report, inline) ? 'always' : 'if-exists', comments };
}

/** The plan for a publication: inline comments come from the workspace's git, where the scan ran. */
export function planReviewFor(
  report: JsonReport,
  platform: Platform,
  settings: GateSettings,
  unverified?: string,
): Promise<ReviewPlan> {
  return planReview(report, {
    mode: settings.comment.mode,
    commentKey: settings.comment.key,
    context: platform.context,
    flavor: platform.id === 'gitlab' ? 'gitlab' : 'github',
    canReview: platform.syncReviewComments !== undefined,
    ...(unverified ? { unverified } : {}),
    lines: () => gitReviewLines(report, platform.context, realExec),
  });
}

/** Syncs the planned inline comments and says what changed; a failure is the caller's warning. */
export async function publishReview(
  plan: ReviewPlan,
  platform: Platform,
  commentKey: string,
  log: Log,
): Promise<void> {
  if (!plan.comments || !platform.syncReviewComments) return;
  const outcome = await platform.syncReviewComments(commentKey, plan.comments);
  log.info(
    `controlgate: review comments: ${outcome.created} created, ${outcome.updated} updated, ${outcome.unchanged} unchanged, ${outcome.resolved} resolved`,
  );
}
