import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadBundles } from '../audit/load.ts';
import type { AuditSource } from '../audit/source.ts';
import { buildMergeRecord } from '../change-management/build-record.ts';
import type { ChangeFactsRequest } from '../change-management/facts.ts';
import type { GateRunFacts } from '../change-management/gate-run.ts';
import { renderMergeRecord } from '../change-management/markdown.ts';
import type { MergeRecord } from '../change-management/record.ts';
import { writeMergeRecord } from '../change-management/write-record.ts';
import type { Clock } from '../clock.ts';
import { errorMessage, UsageError } from '../errors.ts';
import type { EvidenceSigner } from '../evidence/sign/signer.ts';
import type { Log, Platform } from '../platforms/types.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
import { logSigning } from './signing.ts';

/*
 * The merge-record mode (the Action's `mode: merge-record`, `controlgate merge-record`): after a
 * change merged, read from the platform who wrote, approved and merged it and what the gate said
 * about the head that merged, judge it (src/change-management/), and write the record as a signed
 * bundle. Runs on the target branch after the merge: the change can no longer edit what this reads.
 */

export interface MergeRecordSettings {
  /** The change to record; undefined: the one the CI event is about (the PR/MR, or the change a push merged). */
  number?: number;
  /** The gate's policy and waiver files, repository-relative. */
  policyPaths: ChangeFactsRequest['policyPaths'];
  /** The gate's status context (GitHub) or job name (GitLab). */
  gateCheckName: string;
  /** The artifact the gate uploads its evidence as (GitHub: artifact name; GitLab: the gate job's name). */
  evidenceArtifact: string;
  /** Where the record's bundle is written, and as what it is uploaded. */
  out: { dir: string; name: string; zip?: string; upload: boolean; retentionDays?: number };
}

export interface MergeRecordDeps {
  clock: Clock;
  platform: Platform;
  log: Log;
  signer?: EvidenceSigner;
  out(text: string): void;
}

/** The newest intact-or-not gate bundle uploaded for `headSha`, read from its artifact; null when none. */
async function gateRunFor(
  source: AuditSource,
  artifact: string,
  headSha: string,
  gaps: string[],
): Promise<GateRunFacts | null> {
  const found = (await source.listArtifacts({ names: [artifact], headSha }))
    .filter((a) => !a.expired)
    .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? ''));
  const newest = found[0];
  if (!newest) return null;
  const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-gate-run-'));
  try {
    const zip = path.join(dir, `${newest.id}.zip`);
    await source.downloadArtifact(newest, zip);
    const loaded = await loadBundles([zip]);
    const run = loaded.gateRuns[0]?.facts ?? loaded.rejected[0]?.claimed ?? null;
    const location = `artifact ${newest.name} #${newest.id}`;
    if (run) return { ...run, location };
    gaps.push(`${location}: ${loaded.rejected[0]?.reason ?? 'holds no gate evidence bundle'}`);
    return null;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Which change to record: the one named, the CI event's, or the one the pushed commit came from. */
async function changeNumber(settings: MergeRecordSettings, platform: Platform): Promise<number> {
  if (settings.number !== undefined) return settings.number;
  const { context } = platform;
  if (context.changeNumber !== null) return context.changeNumber;
  const sha = context.headSha;
  const found = sha && platform.changeOfCommit ? await platform.changeOfCommit(sha) : null;
  if (found !== null && found !== undefined) return found;
  throw new UsageError(
    sha
      ? `commit ${sha} came from no pull or merge request (a direct push to ${context.headRef ?? 'the branch'}): there is no change to record; branch protection should forbid direct pushes`
      : 'no change to record: run on a merged pull request (pull_request closed), a push to the default branch, or pass --number',
  );
}

/** Reads, judges and writes the record of one merged change; the exit code (0 written, 2 could not). */
export async function recordMerge(settings: MergeRecordSettings, deps: MergeRecordDeps): Promise<number> {
  const { platform, log } = deps;
  if (!platform.readChangeFacts)
    throw new UsageError(
      `merge records need the GitHub or GitLab API: this run is on ${platform.id}, with no platform to read the change from`,
    );
  const number = await changeNumber(settings, platform);
  const facts = await platform.readChangeFacts({
    number,
    policyPaths: settings.policyPaths,
    gateCheckName: settings.gateCheckName,
  });
  if (!facts.merged)
    throw new UsageError(
      `change ${facts.repository}#${number} is not merged: a merge record is written after the merge`,
    );
  let gateRun: GateRunFacts | null = null;
  const source = platform.auditSource?.();
  if (source) {
    try {
      gateRun = await gateRunFor(source, settings.evidenceArtifact, facts.headSha, facts.gaps);
    } catch (error) {
      facts.gaps.push(`the gate's evidence artifact could not be read: ${platform.describeFailure(error)}`);
    }
  } else facts.gaps.push('this platform lists no artifacts: the gate bundle was not looked for');
  const record: MergeRecord = buildMergeRecord(facts, {
    recordedAt: deps.clock.now(),
    gateRun,
    controlgateVersion: CONTROLGATE_VERSION,
  });
  const written = await writeMergeRecord(
    record,
    { dir: settings.out.dir, ...(settings.out.zip ? { zip: settings.out.zip } : {}) },
    deps.signer,
  );
  logSigning(written.signing, log);
  const summary = renderMergeRecord(record);
  deps.out(summary);
  for (const e of record.exceptions) log.warning(`controlgate: ${e.code}: ${e.text}`);
  log.info(
    `controlgate: merge record of ${facts.repository}#${number} written to ${settings.out.dir} (${record.exceptions.length} exception(s), bundle digest sha256:${written.manifest.digest})`,
  );
  if (settings.out.upload && platform.uploadEvidence)
    await platform.uploadEvidence(
      settings.out.name,
      settings.out.dir,
      written.paths,
      settings.out.retentionDays,
    );
  platform.setOutputs?.({
    'merge-record-exceptions': record.exceptions.map((e) => e.code).join(','),
    'merge-record-path': settings.out.dir,
  });
  try {
    await platform.writeSummary?.(summary);
  } catch (error) {
    log.warning(`controlgate: job summary not written: ${errorMessage(error)}`);
  }
  return 0;
}
