import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { AuditSource, MergedChange } from '../../src/audit/source.ts';
import { MANIFEST_FILE, type Manifest, manifestOf } from '../../src/bundle/manifest.ts';
import type { RecordException } from '../../src/change-management/exceptions.ts';
import type { ChangeFacts } from '../../src/change-management/facts.ts';
import {
  MERGE_RECORD_FILE,
  MERGE_RECORD_KIND,
  type MergeRecord,
} from '../../src/change-management/record.ts';
import { writeFiles, zipDir } from '../../src/evidence/write-files.ts';
import type { JsonReport } from '../../src/report/json-report-schema.ts';
import type { RunFacts } from '../../src/report/run-facts.ts';
import { control, report, scanner, waiver } from './report-builders.ts';
import { ciRunFacts } from './run-facts.ts';

/*
 * Genuine gate evidence bundles and merge records for the audit's tests, without running scanners:
 * a report from the report builders, its run.json and controls.json agreeing with it, and a
 * manifest over the files (what makes a bundle genuine to `verifyFiles`). The real writer's other
 * files (SARIF, OSCAL, report.html) play no part in what the audit reads.
 */

export const REPOSITORY = 'octo/shop';

/** A commit SHA made from a number: readable in failures, 40 hex digits. */
export function sha(n: number, salt = 'a'): string {
  return `${salt}${String(n).padStart(8, '0')}`.padEnd(40, 'f');
}

export interface GateRunSpec {
  number: number;
  headSha: string;
  finishedAt: string;
  repository?: string;
  outcome?: 'pass' | 'block' | 'not-evaluated';
  failMode?: 'enforce' | 'report-only';
  scannerFailed?: boolean;
  waiver?: { id: string; approver: string; expires: string };
}

function gateReport(spec: GateRunSpec): JsonReport {
  const outcome = spec.outcome ?? 'pass';
  const w = spec.waiver;
  return report({
    controls: [
      control('CC6.1', 'pass', w ? { waived: ['fp-waived'] } : {}),
      control('CC7.1', outcome === 'block' ? 'fail' : 'pass'),
      control('CC7.2', outcome === 'not-evaluated' ? 'not-evaluated' : 'pass', {
        blocking: outcome === 'not-evaluated',
      }),
    ],
    scanners: [
      scanner('semgrep'),
      scanner('kics', spec.scannerFailed ? { status: 'failed', error: 'crashed' } : {}),
    ],
    waivers: {
      applied: w
        ? [{ ...waiver(w.id, { approver: w.approver, expires: w.expires }), findings: ['fp-waived'] }]
        : [],
      expired: [],
      stale: [],
    },
  });
}

function gateRunFile(spec: GateRunSpec, r: JsonReport): RunFacts {
  const base = ciRunFacts(r);
  return {
    ...base,
    repository: spec.repository ?? REPOSITORY,
    commit: spec.headSha,
    changeNumber: spec.number,
    finishedAt: spec.finishedAt,
    runUrl: `https://github.com/${spec.repository ?? REPOSITORY}/actions/runs/${spec.number}${spec.finishedAt.replace(/\D/g, '')}`,
    failMode: {
      setting: spec.failMode ?? 'enforce',
      applied: spec.failMode ?? 'enforce',
      because: null,
    },
  };
}

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/** Writes files and the manifest over them into `dir`: a bundle that verifies. */
async function writeBundle(dir: string, files: [string, Uint8Array][]): Promise<Manifest> {
  const entries = await writeFiles(
    dir,
    files.map(([name, bytes]) => [name, () => bytes] as const),
  );
  const manifest = manifestOf(entries, 'controlgate test');
  await writeFiles(dir, [[MANIFEST_FILE, () => json(manifest)]]);
  return manifest;
}

/** Writes a genuine gate evidence bundle folder; returns its manifest. */
export async function writeGateBundle(dir: string, spec: GateRunSpec): Promise<Manifest> {
  const r = gateReport(spec);
  const facts = gateRunFile(spec, r);
  const controls = {
    decision: r.decision,
    exitCode: r.exitCode,
    controls: r.controls.map((c) => ({ id: c.id, verdict: c.verdict })),
  };
  return writeBundle(dir, [
    ['controlgate.json', json(r)],
    ['controls.json', json(controls)],
    ['run.json', json(facts)],
  ]);
}

export interface ChangeSpec {
  number: number;
  title?: string;
  headSha: string;
  mergedAt: string;
  author?: string;
  mergedBy?: string;
  repository?: string;
}

export function mergedChange(spec: ChangeSpec): MergedChange {
  return {
    number: spec.number,
    title: spec.title ?? `Change ${spec.number}`,
    url: `https://github.com/${spec.repository ?? REPOSITORY}/pull/${spec.number}`,
    author: spec.author ?? 'dev-alice',
    headSha: spec.headSha,
    mergeCommitSha: sha(spec.number, 'c'),
    mergedBy: spec.mergedBy ?? 'lead-bob',
    mergedAt: spec.mergedAt,
    baseRef: 'main',
  };
}

function changeFacts(spec: ChangeSpec): ChangeFacts {
  const c = mergedChange(spec);
  return {
    platform: 'github',
    repository: spec.repository ?? REPOSITORY,
    number: c.number,
    title: c.title,
    url: c.url,
    author: c.author,
    baseRef: c.baseRef,
    baseSha: sha(spec.number, 'b'),
    headSha: c.headSha,
    mergeCommitSha: c.mergeCommitSha,
    merged: true,
    mergedBy: c.mergedBy,
    mergedAt: c.mergedAt,
    commits: [{ sha: c.headSha, author: c.author, committer: c.author, date: c.mergedAt }],
    lastPush: { sha: c.headSha, at: c.mergedAt, by: c.author, source: 'the head commit\u2019s author' },
    reviews: [{ reviewer: 'rev-carol', state: 'approved', commitSha: c.headSha, submittedAt: c.mergedAt }],
    changedFiles: ['app/main.py'],
    policyFiles: [],
    codeOwners: null,
    ownerTeams: {},
    gateChecks: [],
    requiredCheck: { required: true, source: 'branch protection', detail: null },
    gaps: [],
  };
}

/** A merge record for a change, with the exceptions its writer found. */
export function mergeRecord(
  spec: ChangeSpec,
  options: { exceptions?: RecordException[]; approvers?: string[]; recordedAt?: string } = {},
): MergeRecord {
  const approvers = options.approvers ?? ['rev-carol'];
  return {
    kind: MERGE_RECORD_KIND,
    version: 1,
    recordedAt: options.recordedAt ?? spec.mergedAt,
    controlgateVersion: '0.0.0-test',
    facts: changeFacts(spec),
    gateRun: null,
    judgement: {
      finalHeadApprovers: approvers,
      staleApprovers: [],
      independentApprovers: approvers,
      selfApproved: false,
      policyChanged: [],
      policyOwners: null,
      policyOwnerApproved: null,
      waiversAdded: [],
      gate: { check: 'success', decision: 'pass', digest: null, signature: null },
      requiredCheck: true,
    },
    exceptions: options.exceptions ?? [],
  };
}

/** Writes a merge record bundle folder (merge-record.json and its manifest). */
export async function writeMergeRecord(dir: string, record: MergeRecord): Promise<Manifest> {
  return writeBundle(dir, [[MERGE_RECORD_FILE, json(record)]]);
}

/** Every file under `dir`, as POSIX paths relative to it. */
function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) =>
      statSync(path.join(dir, name)).isDirectory()
        ? filesUnder(path.join(dir, name), `${prefix}${name}/`)
        : [`${prefix}${name}`],
    );
}

/** Zips a folder's files (the way an artifact holds them: at the root, or under a folder name). */
export async function zipFolder(dir: string, zip: string): Promise<void> {
  await zipDir(dir, filesUnder(dir), zip);
}

/**
 * The platform side in memory: merged changes and artifacts, each artifact a folder zipped on
 * download (GitLab's hold the bundle in a folder: zip its parent).
 */
export function memorySource(
  merged: MergedChange[],
  artifacts: { ref: Parameters<AuditSource['downloadArtifact']>[0]; dir: string }[],
  repository = REPOSITORY,
): AuditSource & { repository: string; downloads: number[] } {
  const downloads: number[] = [];
  return {
    repository,
    downloads,
    async listMergedChanges(since, until) {
      return merged.filter((c) => {
        const t = Date.parse(c.mergedAt);
        return t >= since.getTime() && t <= until.getTime();
      });
    },
    async listArtifacts(query) {
      return artifacts
        .map((a) => a.ref)
        .filter((ref) => query.names.includes(ref.name))
        .filter((ref) => !query.headSha || ref.headSha === query.headSha)
        .filter((ref) => {
          if (!query.since && !query.until) return true;
          const t = Date.parse(ref.createdAt ?? '');
          return (!query.since || t >= query.since.getTime()) && (!query.until || t <= query.until.getTime());
        });
    },
    async downloadArtifact(ref, file) {
      const artifact = artifacts.find((a) => a.ref.id === ref.id);
      if (!artifact) throw new Error(`no artifact ${ref.id}`);
      downloads.push(ref.id);
      await zipFolder(artifact.dir, file);
    },
  };
}
