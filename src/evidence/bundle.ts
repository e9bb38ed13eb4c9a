import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { zipSync } from 'fflate';
import type { ScanOutcome } from '../pipeline/scan.ts';
import { renderHtmlReport } from '../report/html-report.ts';
import { type JsonReport, jsonReport } from '../report/json-report.ts';
import { mergedSarif } from '../sarif/merge.ts';
import { CONTROLGATE_VERSION } from '../version.ts';
import { buildManifest, MANIFEST_FILE, type Manifest } from './manifest.ts';
import { oscalDocuments, sarifResultHrefs } from './oscal.ts';
import type { RunFacts } from './run-facts.ts';

const encoder = new TextEncoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/** Zip entries carry this date, in every time zone: a fixed value keeps the archive reproducible. */
const ZIP_MTIME = new Date(1980, 0, 1, 0, 0, 0);

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

/** The controls with, for each, the waivers that took findings out of its verdict. */
function controlsDocument(report: JsonReport) {
  const waiversByFinding = new Map<string, string>();
  for (const w of report.waivers.applied)
    for (const fp of w.findings) waiversByFinding.set(fp, w.id ?? `line ${w.line}`);
  return {
    decision: report.decision,
    exitCode: report.exitCode,
    verdicts: report.verdicts,
    data: report.data,
    controls: report.controls.map((c) => ({
      ...c,
      waivers: [...new Set(c.waived.flatMap((fp) => waiversByFinding.get(fp) ?? []))],
    })),
    waivers: report.waivers,
  };
}

/** Every file of the bundle in memory, by POSIX path; the manifest is added last, over the rest. */
export function evidenceFiles(
  outcome: ScanOutcome,
  facts: RunFacts,
): { files: Map<string, Uint8Array>; manifest: Manifest } {
  const report = portableReport(jsonReport(outcome));
  const files = new Map<string, Uint8Array>();
  files.set('run.json', json(facts));
  for (const scanner of outcome.scanners) {
    // Raw as the tool wrote it, secret values already redacted by the runner.
    if (scanner.log) files.set(`sarif/raw/${scanner.id}.sarif`, json(scanner.log));
  }
  for (const scanner of outcome.baseline?.scanners ?? []) {
    // The base version's scan: what "unchanged" and "fixed" were decided against.
    if (scanner.log) files.set(`sarif/base/${scanner.id}.sarif`, json(scanner.log));
  }
  const merged = mergedSarif(outcome.scanners, outcome.root, {
    waivers: outcome.gate.waivers.applied,
    fixed: outcome.baseline?.fixed ?? [],
  });
  files.set('sarif/merged.sarif', json(merged));
  // The whole result in one file: what a later workflow (the fork-safe comment poster) reads back.
  files.set('controlgate.json', json(report));
  files.set('findings.json', json({ findings: report.findings }));
  files.set('controls.json', json(controlsDocument(report)));
  files.set('report.html', encoder.encode(renderHtmlReport(report, facts)));
  // Paths are relative to oscal/, where the documents sit: each observation links its SARIF result.
  const oscal = oscalDocuments(report, facts, {
    planHref: 'assessment-plan.json',
    sarifHrefs: sarifResultHrefs(merged, '../sarif/merged.sarif'),
    findingsHref: '../findings.json',
  });
  files.set('oscal/assessment-plan.json', json(oscal.assessmentPlan));
  files.set('oscal/assessment-results.json', json(oscal.assessmentResults));
  const manifest = buildManifest(files, `controlgate ${CONTROLGATE_VERSION}`);
  files.set(MANIFEST_FILE, json(manifest));
  return { files, manifest };
}

/**
 * Writes the bundle as a folder, replacing an earlier one there. It is assembled beside the target
 * and renamed into place, so a reader (or a concurrent run) never sees a half-written bundle.
 */
export async function writeEvidenceDir(dir: string, files: ReadonlyMap<string, Uint8Array>): Promise<void> {
  const staging = `${dir}.partial-${process.pid}-${randomUUID()}`;
  try {
    for (const [name, bytes] of files) {
      const target = path.join(staging, ...name.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, bytes);
    }
    for (let attempt = 0; ; attempt++) {
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
      try {
        await rename(staging, dir);
        return;
      } catch (error) {
        // Another run renamed its bundle into place between our rm and rename: replace it again.
        const code = (error as NodeJS.ErrnoException).code;
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 5) throw error;
      }
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The bundle as one zip: entries sorted, fixed timestamps, so equal inputs give equal bytes. */
export function evidenceZip(files: ReadonlyMap<string, Uint8Array>): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {};
  for (const name of [...files.keys()].sort()) {
    const bytes = files.get(name);
    if (bytes) entries[name] = [bytes, { mtime: ZIP_MTIME }];
  }
  return zipSync(entries, { level: 9, mtime: ZIP_MTIME });
}

export interface WrittenEvidence {
  manifest: Manifest;
  files: Map<string, Uint8Array>;
  dir?: string;
  zip?: string;
}

/** Writes the bundle as a folder and/or a zip; the CLI and the Action share it. */
export async function writeEvidence(
  outcome: ScanOutcome,
  facts: RunFacts,
  target: { dir?: string; zip?: string },
): Promise<WrittenEvidence> {
  const { files, manifest } = evidenceFiles(outcome, facts);
  if (target.dir) await writeEvidenceDir(target.dir, files);
  if (target.zip) {
    await mkdir(path.dirname(target.zip), { recursive: true });
    await writeFile(target.zip, evidenceZip(files));
  }
  return { manifest, files, ...target };
}
