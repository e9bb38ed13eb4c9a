import { isOwner, ownersOf } from './codeowners.ts';
import type { ExceptionCode, RecordException } from './exceptions.ts';
import type { ChangeFacts, ReviewFact } from './facts.ts';
import type { GateRunFacts } from './gate-run.ts';
import {
  MERGE_RECORD_KIND,
  type MergeJudgement,
  type MergeRecord,
  type MergeRecordOptions,
} from './record.ts';
import { changedWaivers } from './waiver-changes.ts';

/*
 * From what the platform said about a merged change and the gate run on its head, the judgement an
 * auditor makes by hand: was the final head approved, by someone other than its author and its last
 * pusher; did the owners of the gate's own rules approve a change to them; did the gate pass the
 * head that merged, and could it have stopped it. A pure function: the record stores its inputs,
 * so anyone can compute it again.
 */

/** A login as people write it in a waiver (`@alice`, `Alice`): compared without `@` and case. */
function same(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return a.replace(/^@/, '').trim().toLowerCase() === b.replace(/^@/, '').trim().toLowerCase();
}

/** Each reviewer's standing approval: their latest review that approves, requests changes or is dismissed. */
function standingApprovals(reviews: readonly ReviewFact[]): ReviewFact[] {
  const latest = new Map<string, ReviewFact>();
  const ordered = [...reviews].sort((a, b) => (a.submittedAt ?? '').localeCompare(b.submittedAt ?? ''));
  for (const review of ordered) {
    if (review.state === 'commented') continue;
    latest.set(review.reviewer.toLowerCase(), review);
  }
  return [...latest.values()].filter((r) => r.state === 'approved');
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 12) : 'an unknown commit';
}

function list(names: readonly string[]): string {
  return names.length === 0 ? 'nobody' : names.join(', ');
}

/** The gate on the merged head: the platform's newest check and the bundle of its last run. */
function gateJudgement(facts: ChangeFacts, gateRun: GateRunFacts | null): MergeJudgement['gate'] {
  const run = gateRun && gateRun.headSha === facts.headSha ? gateRun : null;
  const decision =
    run === null || !run.intact || run.decision === null
      ? 'none'
      : run.exitCode === 2
        ? 'not-evaluated'
        : run.decision;
  return {
    check: facts.gateChecks[0]?.state ?? 'none',
    decision,
    digest: run?.digest ?? null,
    signature: run?.signature ?? null,
  };
}

function gateExceptions(facts: ChangeFacts, gateRun: GateRunFacts | null): RecordException[] {
  const out: RecordException[] = [];
  const add = (code: ExceptionCode, text: string) => out.push({ code, text });
  const head = short(facts.headSha);
  const check = facts.gateChecks[0];
  const run = gateRun && gateRun.headSha === facts.headSha ? gateRun : null;
  if (run && (!run.intact || run.signature === 'invalid')) {
    add(
      'bundle-unverifiable',
      `the gate bundle for ${head} (${run.location}) does not verify: ${run.problems.join('; ') || 'signature not valid'}`,
    );
  }
  const trusted = run?.intact && run.signature !== 'invalid' ? run : null;
  // The status is set by the gate's own job; an artifact can be uploaded by any workflow that ran
  // for the head, the change's own included. A bundle that reads better than the check is not taken.
  if (
    trusted &&
    check &&
    trusted.decision === 'pass' &&
    trusted.exitCode === 0 &&
    check.state !== 'success'
  ) {
    add(
      'bundle-unverifiable',
      `the gate bundle for ${head} (${trusted.location}) says pass, but the gate check "${check.name}" was ${check.state}: the bundle may not be the gate's`,
    );
    add(
      check.state === 'failure' ? 'merged-while-blocked' : 'merged-not-evaluated',
      `the gate check "${check.name}" on ${head} was ${check.state} when the change merged`,
    );
    return out;
  }
  if (trusted) {
    if (trusted.exitCode === 2)
      add('merged-not-evaluated', `the gate could not evaluate ${head} (exit 2) and the change merged`);
    else if (trusted.decision === 'block')
      add(
        'merged-while-blocked',
        `the gate blocked ${head} (${trusted.failingCriteria.join(', ') || 'no criterion named'}) and the change merged`,
      );
    if (trusted.failMode === 'report-only')
      add(
        'gate-report-only',
        `the gate ran in report-only mode on ${head}: its decision could not stop the merge`,
      );
    if (trusted.scannersFailed.length > 0)
      add(
        'scanners-missing',
        `scanners that did not judge ${head}: ${trusted.scannersFailed.join(', ')} (criteria ${trusted.notEvaluatedCriteria.join(', ') || 'they cover'} not evaluated)`,
      );
    return out;
  }
  if (!check && !run) {
    add('no-gate-run', `no gate check and no gate evidence for the merged head ${head}`);
    return out;
  }
  if (check?.state === 'failure')
    add('merged-while-blocked', `the gate check "${check.name}" on ${head} failed and the change merged`);
  else if (check && check.state !== 'success')
    add(
      'merged-not-evaluated',
      `the gate check "${check.name}" on ${head} was ${check.state} when the change merged`,
    );
  else if (check?.state === 'success' && !run)
    add(
      'gate-evidence-missing',
      `the gate check "${check.name}" on ${head} says success, but no evidence bundle of that run was found to back it${gateRun && !run ? ` (the bundle found, ${gateRun.location}, is for ${short(gateRun.headSha)})` : ''}`,
    );
  return out;
}

/** The merge record of a merged change. */
export function buildMergeRecord(facts: ChangeFacts, options: MergeRecordOptions): MergeRecord {
  const exceptions: RecordException[] = [];
  const add = (code: ExceptionCode, text: string) => exceptions.push({ code, text });
  const author = facts.author;
  const head = short(facts.headSha);

  const standing = standingApprovals(facts.reviews);
  const selfApproved = standing.some((r) => same(r.reviewer, author));
  const others = standing.filter((r) => !same(r.reviewer, author));
  const finalHeadApprovers = others.filter((r) => r.commitSha === facts.headSha).map((r) => r.reviewer);
  const staleApprovers = others.filter((r) => r.commitSha !== facts.headSha).map((r) => r.reviewer);
  const pusher = facts.lastPush?.by ?? null;
  const independentApprovers = finalHeadApprovers.filter((login) => !same(login, pusher));

  if (selfApproved) add('self-approval', `the author ${author ?? '(unknown)'} approved their own change`);
  if (others.length === 0) add('no-approval', `nobody other than the author approved the change`);
  else if (finalHeadApprovers.length === 0)
    add(
      'approval-before-last-push',
      `approved by ${list(staleApprovers)} only on an earlier head (${others.map((r) => short(r.commitSha)).join(', ')}); the merged head ${head} was pushed after and not approved`,
    );
  else if (independentApprovers.length === 0)
    add(
      'approver-is-last-pusher',
      `the final head ${head} was approved only by ${list(finalHeadApprovers)}, who pushed it (${facts.lastPush?.source ?? 'how is unknown'})`,
    );

  // The gate's own rules: who changed them, and did their owners (at the base) agree.
  const changed = facts.policyFiles.filter((f) => f.base !== f.head);
  const policyChanged = changed.map((f) => f.path);
  let policyOwners: MergeJudgement['policyOwners'] = null;
  let policyOwnerApproved: MergeJudgement['policyOwnerApproved'] = null;
  if (changed.length > 0) {
    add('policy-changed', `the change edits the gate's own rules: ${policyChanged.join(', ')}`);
    const codeOwners = facts.codeOwners;
    if (!codeOwners) {
      policyOwnerApproved = 'unknown';
      add(
        'policy-owner-approval-unknown',
        `no code owners file at the base names owners for ${policyChanged.join(', ')}`,
      );
    } else {
      policyOwners = changed.map((f) => ({ path: f.path, owners: ownersOf(codeOwners.text, f.path) }));
      const verdicts = policyOwners.map(({ path, owners }) => {
        if (owners.length === 0)
          return { path, verdict: undefined, why: `${codeOwners.path} names no owner for ${path}` };
        const approvedBy = finalHeadApprovers.map((login) =>
          isOwner(login, owners, facts.ownerTeams, facts.unresolvedOwners),
        );
        const verdict = approvedBy.includes(true) ? true : approvedBy.includes(undefined) ? undefined : false;
        return {
          path,
          verdict,
          why: `${path} is owned by ${owners.join(' ')} (${codeOwners.path}); final-head approvers: ${list(finalHeadApprovers)}`,
        };
      });
      if (verdicts.some((v) => v.verdict === false)) {
        policyOwnerApproved = false;
        for (const v of verdicts.filter((x) => x.verdict === false))
          add('policy-not-owner-approved', `no owner approved the change to ${v.why}`);
      } else if (verdicts.some((v) => v.verdict === undefined)) {
        policyOwnerApproved = 'unknown';
        for (const v of verdicts.filter((x) => x.verdict === undefined))
          add(
            'policy-owner-approval-unknown',
            `owner approval cannot be checked: ${v.why}${facts.gaps.length > 0 ? `; ${facts.gaps.join('; ')}` : ''}`,
          );
      } else policyOwnerApproved = true;
    }
  }

  const approvers = others.map((r) => r.reviewer);
  const waiversAdded = facts.policyFiles
    .filter((f) => f.kind === 'waivers' && f.base !== f.head)
    .flatMap((f) => changedWaivers(f.base, f.head))
    .map((w) => ({
      ...w,
      approverIsAuthor: same(w.approver, author),
      approverApprovedChange: approvers.some((login) => same(login, w.approver)),
    }));
  for (const w of waiversAdded) {
    const name = w.id ? `waiver ${w.id}` : 'a waiver';
    if (w.approverIsAuthor)
      add(
        'waiver-approver-is-author',
        `${name} (expires ${w.expires}) names the change's author ${w.approver} as its approver`,
      );
    else if (!w.approverApprovedChange)
      add(
        'waiver-approver-not-approver',
        `${name} (expires ${w.expires}) names ${w.approver || 'no one'} as approver, who did not approve the change (approvers: ${list(approvers)})`,
      );
  }

  exceptions.push(...gateExceptions(facts, options.gateRun));
  if (facts.requiredCheck.required === false)
    add(
      'gate-not-required',
      `the gate's check was not required for ${facts.baseRef} (${facts.requiredCheck.source}${facts.requiredCheck.detail ? `: ${facts.requiredCheck.detail}` : ''})`,
    );

  return {
    kind: MERGE_RECORD_KIND,
    version: 1,
    recordedAt: options.recordedAt.toISOString(),
    controlgateVersion: options.controlgateVersion,
    facts,
    gateRun: options.gateRun,
    judgement: {
      finalHeadApprovers,
      staleApprovers,
      independentApprovers,
      selfApproved,
      policyChanged,
      policyOwners,
      policyOwnerApproved,
      waiversAdded,
      gate: gateJudgement(facts, options.gateRun),
      requiredCheck: facts.requiredCheck.required,
    },
    exceptions,
  };
}
