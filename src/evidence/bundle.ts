import { createReadStream } from 'node:fs';
import { ALWAYS_SKIPPED_FOLDER, excludedFolderReason } from '../config/default-excludes.ts';
import { problemFingerprints } from '../controls/evaluate.ts';
import { compactJsonChunks, prettyJsonChunks } from '../json-stream.ts';
import { isLargeOutcome, type ScanOutcome } from '../pipeline/scan.ts';
import { renderHtmlReport } from '../report/html-report.ts';
import { jsonReport } from '../report/json-report.ts';
import type { JsonReport } from '../report/json-report-schema.ts';
import type { RunFacts } from '../report/run-facts.ts';
import { mergedResultPointers, mergedSarif, mergedSarifChunks } from '../sarif/merge.ts';
import { inputFiles } from './inputs.ts';
import { OSCAL_FILES, type OscalDocuments, oscalDocuments } from './oscal.ts';
import { type SealedBundle, sealBundle } from './seal.ts';
import type { EvidenceSigner } from './sign/signer.ts';
import { evidenceStatement } from './sign/statement.ts';
import type { FileContent } from './write-files.ts';

const encoder = new TextEncoder();

/** The bundle's view of the JSON report: no absolute paths of the machine that ran it. */
function portableReport(report: JsonReport): JsonReport {
  return {
    ...report,
    scanners: report.scanners.map((s) => ({
      ...s,
      sarifPath: s.sarifPath === null ? null : `sarif/raw/${s.id}.sarif`,
    })),
  };
}

/**
 * The coverage ledger with the rules that drew its scope: the folder names the walk skips (each with
 * its reason), the exclude globs and the always-scanned globs, as the policy that judged the run set them.
 */
function coverageDocument(outcome: ScanOutcome) {
  const { config, coverage } = outcome;
  return {
    scope: coverage.scope,
    counts: coverage.counts,
    rules: {
      excludeFolders: config.excludeFolders.map((name) => ({ name, reason: excludedFolderReason(name) })),
      alwaysSkipped: ALWAYS_SKIPPED_FOLDER,
      exclude: config.exclude,
      alwaysScan: config.changes.alwaysScan,
    },
    files: coverage.entries,
  };
}

/** The controls with, for each, the waivers that took findings out of its verdict. */
function controlsDocument(report: JsonReport) {
  const waiversByFinding = new Map<string, string>();
  for (const w of report.waivers.applied)
    for (const fp of w.findings) waiversByFinding.set(fp, w.id ?? `line ${w.line}`);
  return {
    decision: report.decision,
    exitCode: report.exitCode,
    verdicts: report.verdicts,
    // Whether only the change's new findings were judged, and against which base.
    comparedWith: report.baseline
      ? {
          status: report.baseline.status,
          judged: report.baseline.judged,
          baseRef: report.baseline.baseRef,
          mergeBase: report.baseline.mergeBase,
          counts: report.baseline.counts,
        }
      : null,
    data: report.data,
    controls: report.controls.map((c) => ({
      ...c,
      waivers: [...new Set(c.waived.flatMap((fp) => waiversByFinding.get(fp) ?? []))],
    })),
    waivers: report.waivers,
  };
}

/**
 * Every file of the bundle, each made only when it is written, by POSIX path. The manifest is not
 * among them: it is made from what was written.
 */
export function evidenceContents(outcome: ScanOutcome, facts: RunFacts): [string, () => FileContent][] {
  const large = isLargeOutcome(outcome);
  const json = large ? compactJsonChunks : prettyJsonChunks;
  const report = portableReport(jsonReport(outcome));
  const mergeOptions = {
    waivers: outcome.gate.waivers.applied,
    problems: problemFingerprints(outcome.gate),
    fixed: outcome.baseline?.fixed ?? [],
  };
  const files: [string, () => FileContent][] = [['run.json', () => json(facts)]];
  for (const scanner of outcome.scanners) {
    // Raw as the tool wrote it, secret values already redacted by the runner.
    const raw = scanner.rawSarifPath;
    if (raw) files.push([`sarif/raw/${scanner.id}.sarif`, () => createReadStream(raw)]);
  }
  for (const scanner of outcome.baseline?.scanners ?? []) {
    // The base version's scan: what "unchanged" and "fixed" were decided against.
    const raw = scanner.rawSarifPath;
    if (raw) files.push([`sarif/base/${scanner.id}.sarif`, () => createReadStream(raw)]);
  }
  files.push(
    [
      'sarif/merged.sarif',
      () =>
        large
          ? mergedSarifChunks(outcome.scanners, outcome.root, mergeOptions)
          : json(mergedSarif(outcome.scanners, outcome.root, mergeOptions)),
    ],
    // The whole result in one file: what a later workflow (the fork-safe comment poster) reads back.
    ['controlgate.json', () => json(report)],
    ['controls.json', () => json(controlsDocument(report))],
    // Per file in scope, which scanner judged it and why any did not, and the excludes that shaped the scope.
    ['coverage.json', () => json(coverageDocument(outcome))],
    ['report.html', () => encoder.encode(renderHtmlReport(report, facts))],
    // What the decision rested on, as content: policy, effective config, catalog, mapping, rules, tools.
    ...inputFiles(outcome),
  );
  // Paths are relative to oscal/, where the documents sit: each observation links its SARIF result,
  // and each document names the next by file name (results → plan → SSP → profile → catalog).
  let oscal: OscalDocuments | undefined;
  const oscalDocs = () => {
    oscal ??= oscalDocuments(report, facts, {
      sarifHrefs: new Map(
        [...mergedResultPointers(outcome.scanners, mergeOptions.fixed)].map(([fp, pointer]) => [
          fp,
          `../sarif/merged.sarif${pointer}`,
        ]),
      ),
      findingsHref: '../controlgate.json',
    });
    return oscal;
  };
  const oscalFiles: [string, keyof OscalDocuments][] = [
    [OSCAL_FILES.catalog, 'catalog'],
    [OSCAL_FILES.profile, 'profile'],
    [OSCAL_FILES.ssp, 'systemSecurityPlan'],
    [OSCAL_FILES.plan, 'assessmentPlan'],
    [OSCAL_FILES.results, 'assessmentResults'],
  ];
  for (const [file, key] of oscalFiles) files.push([`oscal/${file}`, () => json(oscalDocs()[key])]);
  return files.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What writing a gate bundle made. */
export type WrittenEvidence = SealedBundle;

/**
 * Writes the bundle as a folder and/or a reproducible zip; the CLI and the Action share it. Files
 * are written one at a time into a staging folder beside the target and renamed into place. With a
 * signer, the manifest is signed once written and the attestation joins the folder and the zip.
 */
export async function writeEvidence(
  outcome: ScanOutcome,
  facts: RunFacts,
  target: { dir?: string; zip?: string },
  signer?: EvidenceSigner,
): Promise<WrittenEvidence> {
  return sealBundle(
    evidenceContents(outcome, facts),
    target,
    (manifestBytes, manifest) => evidenceStatement(manifestBytes, manifest, jsonReport(outcome), facts),
    signer,
  );
}
