import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { BUNDLE_LIMITS, type BundleLimits } from '../bundle/limits.ts';
import { ATTESTATION_FILE, MANIFEST_FILE } from '../bundle/manifest.ts';
import { readBundle, verifyFiles } from '../bundle/verify.ts';
import type { GateRunFacts, SignatureState } from '../change-management/gate-run.ts';
import { parseMergeRecord } from '../change-management/parse-record.ts';
import { gateRunFacts } from '../change-management/read-gate-run.ts';
import { MERGE_RECORD_FILE, type MergeRecord } from '../change-management/record.ts';
import { errorMessage } from '../errors.ts';
import { type IdentityPolicy, verifyAttestation } from '../evidence/sign/verify-attestation.ts';
import { type JsonReport, parseJsonReport } from '../report/json-report-schema.ts';

/*
 * Finding, reading and verifying every bundle an audit is given: gate evidence bundles and merge
 * records, as folders or zips (a GitLab job's artifact zip holds the bundle in a folder). A bundle
 * that cannot be read, does not verify or is of no known kind is kept in `rejected` with why: an
 * auditor must see it, and it must never count as evidence.
 */

/** Where a bundle's files are on disk: a folder, or a zip and the folder inside it ('' for its root). */
export interface BundlePlace {
  /** The folder or zip file. */
  file: string;
  kind: 'folder' | 'zip';
  /** Inside a zip, the folder holding manifest.json ('' at its root). */
  inner: string;
}

/** One criterion's verdict in a gate run, for the per-criterion tallies. */
export interface CriterionVerdict {
  id: string;
  title: string;
  verdict: JsonReport['controls'][number]['verdict'];
  /** Passed only because a waiver took findings out of it. */
  waived: boolean;
}

export interface LoadedGateRun {
  location: string;
  place: BundlePlace;
  facts: GateRunFacts;
  criteria: CriterionVerdict[];
}

export interface LoadedRecord {
  location: string;
  place: BundlePlace;
  digest: string;
  /** Attestations of merge records are verified by their writer's verifier; here only present or not. */
  signature: SignatureState;
  record: MergeRecord;
}

export interface RejectedBundle {
  location: string;
  /** What it claims to be, as far as its file names tell. */
  kind: 'gate-run' | 'merge-record' | 'unknown';
  reason: string;
  /** For a gate bundle: what it says (untrusted), so the audit can name the change it was for. */
  claimed: GateRunFacts | null;
  /** Where it is on disk, so the archive can keep it; null when the location could not be read at all. */
  place: BundlePlace | null;
}

export interface LoadedBundles {
  gateRuns: LoadedGateRun[];
  records: LoadedRecord[];
  rejected: RejectedBundle[];
}

export interface LoadOptions {
  signature?: { policy: IdentityPolicy; root: TrustedRoot };
  /** Folders not searched: the audit's own archive, when the locations hold its output folder. */
  skip?: readonly string[];
  limits?: Readonly<BundleLimits>;
}

/** Every bundle folder (holding manifest.json) and zip under `location`, sorted for stable output. */
async function findPlaces(location: string, out: BundlePlace[], skip: ReadonlySet<string>): Promise<void> {
  if (skip.has(path.resolve(location))) return;
  const stats = await lstat(location);
  // Links are not followed: a bundle tree that points elsewhere could pull in anything.
  if (stats.isSymbolicLink()) return;
  if (stats.isFile()) {
    if (location.toLowerCase().endsWith('.zip')) out.push({ file: location, kind: 'zip', inner: '' });
    return;
  }
  if (!stats.isDirectory()) return;
  const names = (await readdir(location)).sort();
  if (names.includes(MANIFEST_FILE)) {
    out.push({ file: location, kind: 'folder', inner: '' });
    return;
  }
  for (const name of names) await findPlaces(path.join(location, name), out, skip);
}

function locationOf(place: BundlePlace): string {
  return place.inner === '' ? place.file : `${place.file}!/${place.inner}`;
}

/** The bundles a zip holds: at its root, or in the folders holding a manifest.json (GitLab artifacts). */
function bundlesInZip(files: ReadonlyMap<string, Uint8Array>): Map<string, Map<string, Uint8Array>> {
  const out = new Map<string, Map<string, Uint8Array>>();
  if (files.has(MANIFEST_FILE)) {
    out.set('', new Map(files));
    return out;
  }
  const roots = [...files.keys()]
    .filter((name) => name.endsWith(`/${MANIFEST_FILE}`))
    .map((name) => name.slice(0, -MANIFEST_FILE.length));
  for (const root of roots.sort()) {
    const inner = new Map<string, Uint8Array>();
    for (const [name, bytes] of files) if (name.startsWith(root)) inner.set(name.slice(root.length), bytes);
    out.set(root.slice(0, -1), inner);
  }
  return out;
}

function kindOf(files: ReadonlyMap<string, Uint8Array>): RejectedBundle['kind'] {
  if (files.has(MERGE_RECORD_FILE)) return 'merge-record';
  if (files.has('controlgate.json') || files.has('run.json')) return 'gate-run';
  return 'unknown';
}

function readRecord(files: ReadonlyMap<string, Uint8Array>, location: string): MergeRecord {
  const raw = files.get(MERGE_RECORD_FILE);
  if (!raw) throw new Error(`${MERGE_RECORD_FILE} is missing`);
  return parseMergeRecord(new TextDecoder().decode(raw), `${location}/${MERGE_RECORD_FILE}`);
}

/** The verdicts of an intact bundle's report (gateRunFacts has already parsed it once without error). */
function criteriaOf(files: ReadonlyMap<string, Uint8Array>, location: string): CriterionVerdict[] {
  const raw = files.get('controlgate.json');
  if (!raw) return [];
  return parseJsonReport(new TextDecoder().decode(raw), `${location}/controlgate.json`).controls.map((c) => ({
    id: c.id,
    title: c.title,
    verdict: c.verdict,
    waived: c.waived.length > 0,
  }));
}

/** A merge record's signature: checked against the identity when one is given (its own predicate, see verify-attestation.ts). */
function recordSignature(
  files: ReadonlyMap<string, Uint8Array>,
  options: LoadOptions,
): { state: SignatureState; problems: string[] } {
  if (!files.has(ATTESTATION_FILE))
    return {
      state: 'absent',
      problems: [
        `not signed (${ATTESTATION_FILE} missing), and a signature by the given identity was required`,
      ],
    };
  if (!options.signature) return { state: 'unchecked', problems: [] };
  const result = verifyAttestation(files, options.signature.policy, options.signature.root);
  if (result.status === 'signed') return { state: 'verified', problems: [] };
  return { state: 'invalid', problems: result.status === 'invalid' ? result.problems : ['not signed'] };
}

/** Classifies and checks one bundle's files, adding it to `out`. */
function classify(
  files: ReadonlyMap<string, Uint8Array>,
  place: BundlePlace,
  options: LoadOptions,
  out: LoadedBundles,
): void {
  const location = locationOf(place);
  const kind = kindOf(files);
  if (kind === 'unknown') {
    out.rejected.push({
      location,
      kind,
      reason: 'neither a gate evidence bundle (controlgate.json, run.json) nor a merge record',
      claimed: null,
      place,
    });
    return;
  }
  if (kind === 'gate-run') {
    const facts = gateRunFacts(files, location, options.signature);
    // With a signer to check against, an unsigned bundle is evidence of nothing: anyone could write it.
    const unsigned = options.signature !== undefined && facts.signature === 'absent';
    if (facts.intact && facts.signature !== 'invalid' && !unsigned)
      out.gateRuns.push({ location, place, facts, criteria: criteriaOf(files, location) });
    else
      out.rejected.push({
        location,
        kind,
        reason: unsigned
          ? `not signed (${ATTESTATION_FILE} missing), and a signature by the given identity was required`
          : facts.problems.join('; '),
        claimed: facts,
        place,
      });
    return;
  }
  const verified = verifyFiles(files);
  if (!verified.ok || !verified.digest) {
    out.rejected.push({ location, kind, reason: verified.problems.join('; '), claimed: null, place });
    return;
  }
  try {
    const record = readRecord(files, location);
    const signature = recordSignature(files, options);
    if (signature.state === 'invalid' || (options.signature && signature.state === 'absent')) {
      out.rejected.push({ location, kind, reason: signature.problems.join('; '), claimed: null, place });
      return;
    }
    out.records.push({ location, place, digest: verified.digest, signature: signature.state, record });
  } catch (error) {
    out.rejected.push({ location, kind, reason: errorMessage(error), claimed: null, place });
  }
}

/**
 * Reads every bundle under `locations` (folders searched for manifest.json, zips opened), within the
 * bundle limits, and sorts each into gate runs, merge records or rejected.
 */
export async function loadBundles(
  locations: readonly string[],
  options: LoadOptions = {},
): Promise<LoadedBundles> {
  const out: LoadedBundles = { gateRuns: [], records: [], rejected: [] };
  const limits = options.limits ?? BUNDLE_LIMITS;
  const places: BundlePlace[] = [];
  const skip = new Set((options.skip ?? []).map((p) => path.resolve(p)));
  for (const location of locations) {
    try {
      await findPlaces(location, places, skip);
    } catch (error) {
      out.rejected.push({
        location,
        kind: 'unknown',
        reason: errorMessage(error),
        claimed: null,
        place: null,
      });
    }
  }
  // Two locations that overlap (a folder and a folder inside it) name some bundles twice: read once.
  const unique = [...new Map(places.map((p) => [path.resolve(p.file), p])).values()];
  for (const place of unique) {
    let files: Map<string, Uint8Array>;
    try {
      files = await readBundle(place.file, limits);
    } catch (error) {
      out.rejected.push({
        location: place.file,
        kind: 'unknown',
        reason: errorMessage(error),
        claimed: null,
        place,
      });
      continue;
    }
    if (place.kind === 'folder') {
      classify(files, place, options, out);
      continue;
    }
    const inner = bundlesInZip(files);
    if (inner.size === 0)
      out.rejected.push({
        location: place.file,
        kind: 'unknown',
        reason: `a zip with no ${MANIFEST_FILE} (not a bundle)`,
        claimed: null,
        place,
      });
    for (const [folder, bundleFiles] of inner)
      classify(bundleFiles, { ...place, inner: folder }, options, out);
  }
  return out;
}
