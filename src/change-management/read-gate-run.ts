import type { TrustedRoot } from '@sigstore/protobuf-specs';
import { ATTESTATION_FILE } from '../bundle/manifest.ts';
import { verifyFiles } from '../bundle/verify.ts';
import { errorMessage } from '../errors.ts';
import { consistencyProblems, type Renderings } from '../evidence/reevaluate.ts';
import { type IdentityPolicy, verifyAttestation } from '../evidence/sign/verify-attestation.ts';
import { type JsonReport, parseJsonReport } from '../report/json-report-schema.ts';
import type { RunFacts } from '../report/run-facts.ts';
import type { GateRunFacts, SignatureState } from './gate-run.ts';

/*
 * Reading one gate evidence bundle into the facts a merge record and the audit need. Nothing here
 * throws for a bad bundle: a bundle that does not verify or does not parse is still described
 * (intact: false, with its problems), because an auditor must see that it existed and why it does
 * not count.
 */

const decoder = new TextDecoder();

function text(files: ReadonlyMap<string, Uint8Array>, name: string): string | undefined {
  const bytes = files.get(name);
  return bytes ? decoder.decode(bytes) : undefined;
}

function jsonOf<T>(files: ReadonlyMap<string, Uint8Array>, name: string): T | undefined {
  const raw = text(files, name);
  if (raw === undefined) return undefined;
  return JSON.parse(raw) as T;
}

/** What the signature says, checked only when the auditor named an identity. */
function signatureOf(
  files: ReadonlyMap<string, Uint8Array>,
  manifestOk: boolean,
  signature: { policy: IdentityPolicy; root: TrustedRoot } | undefined,
): { state: SignatureState; signer: string | null; problems: string[] } {
  if (!files.has(ATTESTATION_FILE)) return { state: 'absent', signer: null, problems: [] };
  // Without an identity to check against, a present attestation proves nothing either way.
  if (!signature) return { state: 'unchecked', signer: null, problems: [] };
  // The attestation signs the manifest: over files that do not match it, it would vouch for nothing.
  if (!manifestOk)
    return {
      state: 'invalid',
      signer: null,
      problems: ['signature not checked: the manifest does not verify'],
    };
  const result = verifyAttestation(files, signature.policy, signature.root);
  if (result.status === 'signed') return { state: 'verified', signer: result.identity, problems: [] };
  if (result.status === 'unsigned') return { state: 'absent', signer: null, problems: [] };
  return { state: 'invalid', signer: null, problems: result.problems };
}

function emptyFacts(location: string): GateRunFacts {
  return {
    location,
    intact: false,
    problems: [],
    digest: null,
    signature: 'absent',
    signer: null,
    repository: null,
    platform: null,
    event: null,
    headSha: null,
    changeNumber: null,
    finishedAt: null,
    runUrl: null,
    decision: null,
    exitCode: null,
    failMode: null,
    failingCriteria: [],
    notEvaluatedCriteria: [],
    scannersFailed: [],
    policySource: null,
    waivers: [],
  };
}

function renderingsOf(files: ReadonlyMap<string, Uint8Array>): Renderings {
  const html = text(files, 'report.html');
  const oscal = text(files, 'oscal/assessment-results.json');
  return {
    ...(html !== undefined ? { html } : {}),
    ...(oscal !== undefined ? { oscalResults: JSON.parse(oscal) as unknown } : {}),
  };
}

/** The facts of one run's report and run.json, copied as the bundle states them. */
function reportFacts(report: JsonReport, run: RunFacts): Partial<GateRunFacts> {
  return {
    repository: run.repository,
    platform: run.platform,
    event: run.event,
    headSha: run.commit,
    changeNumber: run.changeNumber,
    finishedAt: run.finishedAt,
    runUrl: run.runUrl,
    decision: report.decision,
    exitCode: report.exitCode,
    failMode: run.failMode?.applied ?? null,
    failingCriteria: report.controls.filter((c) => c.verdict === 'fail' && c.blocking).map((c) => c.id),
    notEvaluatedCriteria: report.controls.filter((c) => c.verdict === 'not-evaluated').map((c) => c.id),
    // run.json records every scanner the run meant to use; the report only those it had.
    scannersFailed: [
      ...new Set([
        ...run.scanners.filter((s) => s.status !== 'ok').map((s) => s.id),
        ...report.scanners.filter((s) => s.status !== 'ok').map((s) => s.id),
      ]),
    ],
    policySource: run.policy?.source ?? null,
    waivers: report.waivers.applied.map((w) => ({
      id: w.id,
      approver: w.approver,
      expires: w.expires,
      reason: w.reason,
      ticket: w.ticket,
      findings: w.findings.length,
    })),
  };
}

/**
 * The facts of one gate evidence bundle held in memory (`readBundle`): its manifest verified, its
 * files checked against each other, its attestation checked when `signature` names who must have
 * signed, and its report and run.json read.
 */
export function gateRunFacts(
  files: ReadonlyMap<string, Uint8Array>,
  location: string,
  signature?: { policy: IdentityPolicy; root: TrustedRoot },
): GateRunFacts {
  const facts = emptyFacts(location);
  const verified = verifyFiles(files);
  const problems = [...verified.problems];
  facts.digest = verified.digest ?? null;
  let parsed: Partial<GateRunFacts> = {};
  try {
    const reportText = text(files, 'controlgate.json');
    const run = jsonOf<RunFacts>(files, 'run.json');
    if (reportText === undefined || run === undefined)
      problems.push('not a gate evidence bundle (controlgate.json or run.json missing)');
    else {
      const report = parseJsonReport(reportText, `${location}/controlgate.json`);
      parsed = reportFacts(report, run);
      const controls = jsonOf<Parameters<typeof consistencyProblems>[1]>(files, 'controls.json');
      // Files edited and the manifest written again still disagree with each other.
      if (controls) problems.push(...consistencyProblems(report, controls, run, renderingsOf(files)));
    }
  } catch (error) {
    problems.push(`unreadable: ${errorMessage(error)}`);
  }
  const signed = signatureOf(files, verified.ok, signature);
  return {
    ...facts,
    ...parsed,
    // The signature is judged apart (`signature`): intact speaks of the files only.
    intact: problems.length === 0,
    problems: [...problems, ...signed.problems],
    signature: signed.state,
    signer: signed.signer,
  };
}
