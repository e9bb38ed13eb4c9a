import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import type { BundleLimits } from '../bundle/limits.ts';
import { errorMessage } from '../errors.ts';
import type { IdentityPolicy } from '../evidence/sign/verify-attestation.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
import { type AuditDocument, type AuditGap, auditDocument } from './document.ts';
import { type LoadedBundles, loadBundles } from './load.ts';
import { buildPopulation } from './population.ts';
import { drawSample } from './sample.ts';
import type { ArtifactRef, AuditSource, MergedChange } from './source.ts';
import { type ArchivedBundle, AUDIT_FILES, type WrittenAudit, writeAudit } from './write.ts';

/*
 * `controlgate audit` without its command line: read the period's merged changes and artifacts from
 * the platform (when a source is given), load every bundle, reconcile, sample, and write the
 * population, the report and the retention archive.
 */

/** The artifact the gate's job uploads its evidence bundle as. */
export const DEFAULT_EVIDENCE_ARTIFACT = 'controlgate-evidence';
/** The artifact the merge-record job uploads its record as. */
export const DEFAULT_MERGE_RECORD_ARTIFACT = 'controlgate-merge-record';

export interface RunAuditOptions {
  /** The period, both ends inclusive. */
  since: Date;
  until: Date;
  /** Folders (searched for bundles at any depth) and zips to read, besides what is downloaded. */
  locations: readonly string[];
  /** The platform: its merged changes become the population, its artifacts are downloaded. */
  source?: AuditSource & { repository: string };
  /** Artifact names to download; default the evidence and merge-record artifacts. */
  artifactNames?: readonly string[];
  /** How many days before the period gate runs on its merged heads are looked for (default 90). */
  lookbackDays?: number;
  /** Only changes merged into this branch (default: any). */
  baseRef?: string;
  /** Where downloaded artifacts go; default `<out>/downloads`. */
  downloadDir?: string;
  sample?: { size: number; seed: string };
  out: string;
  /** Who must have signed the gate bundles; without it, attestations are left unchecked. */
  signature?: { policy: IdentityPolicy; root: TrustedRoot };
  /** Also write archive.zip (reproducible) beside archive/. */
  zip?: boolean;
  limits?: Readonly<BundleLimits>;
  now: Date;
}

export interface AuditResult {
  document: AuditDocument;
  written: WrittenAudit;
  loaded: LoadedBundles;
  /** Artifact zips downloaded, by path. */
  downloaded: string[];
  /** Artifacts listed but not read (expired, failed downloads). */
  gaps: AuditGap[];
}

/**
 * How far before the period a gate run on a head merged in the period is looked for: a change may
 * wait weeks between its last push (its last gate run) and its merge.
 */
export const DEFAULT_LOOKBACK_DAYS = 90;

/**
 * The artifacts to fetch: those uploaded for a head merged in the period (since `lookbackDays`
 * before it), and the merge records uploaded in the period. One listing, filtered here: the
 * platforms filter artifacts by name at most, so asking per head would list them all each time.
 */
async function periodArtifacts(
  source: AuditSource,
  merged: readonly MergedChange[],
  names: readonly string[],
  period: { since: Date; until: Date },
  lookbackDays: number,
): Promise<ArtifactRef[]> {
  const heads = new Set(merged.map((c) => c.headSha));
  const from = new Date(period.since.getTime() - lookbackDays * 86_400_000);
  const listed = await source.listArtifacts({ names, since: from, until: period.until });
  const inPeriod = (ref: ArtifactRef) => {
    const t = Date.parse(ref.createdAt ?? '');
    return t >= period.since.getTime() && t <= period.until.getTime();
  };
  const byKey = new Map<string, ArtifactRef>();
  for (const ref of listed)
    if ((ref.headSha !== null && heads.has(ref.headSha)) || inPeriod(ref))
      byKey.set(`${ref.name}\u0000${ref.id}`, ref);
  return [...byKey.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id - b.id);
}

async function download(
  source: AuditSource,
  refs: readonly ArtifactRef[],
  dir: string,
): Promise<{ downloaded: string[]; gaps: AuditGap[] }> {
  await mkdir(dir, { recursive: true });
  const downloaded: string[] = [];
  const gaps: AuditGap[] = [];
  for (const ref of refs) {
    const gap = (reason: string) =>
      gaps.push({ artifact: ref.name, id: ref.id, headSha: ref.headSha, url: ref.url, reason });
    if (ref.expired) {
      gap('expired: past the platform retention, it can no longer be downloaded');
      continue;
    }
    // The name comes from the platform: only its safe characters make the file name.
    const file = path.join(dir, `${ref.name.replace(/[^A-Za-z0-9._-]/g, '_')}-${ref.id}.zip`);
    try {
      await source.downloadArtifact(ref, file);
      downloaded.push(file);
    } catch (error) {
      gap(`download failed: ${errorMessage(error)}`);
    }
  }
  return { downloaded, gaps };
}

/** The bundles of the population kept in the archive: counted, superseded, records and rejected. */
function archivedBundles(loaded: LoadedBundles, doc: AuditDocument): ArchivedBundle[] {
  const out: ArchivedBundle[] = [];
  const seen = new Set<string>();
  const runs = new Map(loaded.gateRuns.map((r) => [r.location, r]));
  const records = new Map(loaded.records.map((r) => [r.location, r]));
  for (const row of doc.rows) {
    for (const ref of [...(row.gateRun ? [row.gateRun] : []), ...row.superseded]) {
      const run = runs.get(ref.location);
      if (run && !seen.has(run.location)) {
        seen.add(run.location);
        out.push({
          location: run.location,
          place: run.place,
          folder: `gate-runs/${ref.digest ?? out.length}`,
        });
      }
    }
    const record = row.mergeRecord ? records.get(row.mergeRecord.location) : undefined;
    if (record && !seen.has(record.location)) {
      seen.add(record.location);
      out.push({
        location: record.location,
        place: record.place,
        folder: `merge-records/${row.number}-${record.digest.slice(0, 16)}`,
      });
    }
  }
  return out;
}

/** Runs the audit of one period and writes its outputs under `options.out`. */
export async function runAudit(options: RunAuditOptions): Promise<AuditResult> {
  const period = { since: options.since, until: options.until };
  if (period.since.getTime() > period.until.getTime())
    throw new Error(
      `the period starts (${period.since.toISOString()}) after it ends (${period.until.toISOString()})`,
    );
  const source = options.source;
  let merged: MergedChange[] | undefined;
  let downloaded: string[] = [];
  let gaps: AuditGap[] = [];
  const downloadDir = options.downloadDir ?? path.join(options.out, 'downloads');
  if (source) {
    merged = await source.listMergedChanges(period.since, period.until, options.baseRef);
    const names = options.artifactNames ?? [DEFAULT_EVIDENCE_ARTIFACT, DEFAULT_MERGE_RECORD_ARTIFACT];
    const refs = await periodArtifacts(
      source,
      merged,
      names,
      period,
      options.lookbackDays ?? DEFAULT_LOOKBACK_DAYS,
    );
    ({ downloaded, gaps } = await download(source, refs, downloadDir));
  }
  const locations = [...options.locations, ...(downloaded.length > 0 ? [downloadDir] : [])];
  const loaded = await loadBundles(locations, {
    // An earlier audit's archive in the same output folder holds copies: read, they would count twice.
    skip: [path.join(options.out, AUDIT_FILES.archive), path.join(options.out, AUDIT_FILES.archiveZip)],
    ...(options.signature ? { signature: options.signature } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
  });
  const population = buildPopulation({
    period,
    gateRuns: loaded.gateRuns,
    records: loaded.records,
    rejected: loaded.rejected,
    ...(merged ? { merged } : {}),
    ...(source ? { repository: source.repository } : {}),
  });
  const sample = options.sample
    ? drawSample(population.rows, options.sample, source?.repository ?? '')
    : null;
  const document = auditDocument(population, {
    generatedAt: options.now,
    controlgateVersion: CONTROLGATE_VERSION,
    repository: source?.repository ?? null,
    rejected: loaded.rejected,
    gaps,
    sample,
    signer: options.signature
      ? {
          identity: options.signature.policy.identity ?? `/${options.signature.policy.identityRegexp ?? ''}/`,
          issuer: options.signature.policy.issuer,
        }
      : null,
  });
  // Rejected bundles are kept too: the archive must show what was found and refused.
  const rejectedBundles: ArchivedBundle[] = loaded.rejected.flatMap((r, i) =>
    r.place ? [{ location: r.location, place: r.place, folder: `rejected/${i + 1}` }] : [],
  );
  const written = await writeAudit(
    options.out,
    document,
    [...archivedBundles(loaded, document), ...rejectedBundles],
    { zip: options.zip ?? false },
  );
  return { document, written, loaded, downloaded, gaps };
}
