import path from 'node:path';
import { parse } from 'yaml';
import { sha256 } from '../bundle/manifest.ts';
import { readBundle, verifyFiles } from '../bundle/verify.ts';
import { catalogSchema, mappingSchema } from '../catalog/model.ts';
import { type Config, configSchema } from '../config/schema.ts';
import { evaluateGate, type GateResult } from '../controls/evaluate.ts';
import { Mapper } from '../controls/map.ts';
import type { Finding } from '../findings/finding.ts';
import type { ScannerRun } from '../findings/scanner-run.ts';
import { parseWaivers, type Waiver } from '../findings/waivers.ts';
import { type JsonReport, parseJsonReport } from '../report/json-report-schema.ts';
import type { RunFacts } from '../report/run-facts.ts';
import { IMPORTED_SARIF_COVERS } from '../runner/import-sarif.ts';
import { inside } from './inputs.ts';

/*
 * `controlgate evidence reevaluate`: the decision again, from the bundle alone and offline. The
 * normalized findings (controlgate.json) go through the mapping, overrides, waivers, suppressions and
 * policy the bundle holds in inputs/, with the code this version of controlgate judges by; every
 * place the result differs from what the bundle says is listed. It also checks that the bundle's
 * files agree with each other and that inputs/ holds the bytes run.json hashed.
 */

/** Bundle contents, not the user's arguments: a ReevaluateError is "this bundle cannot be re-derived". */
export class ReevaluateError extends Error {}

export interface Reevaluation {
  location: string;
  decision: { bundle: string; recomputed: string };
  exitCode: { bundle: number; recomputed: number };
  criteria: number;
  findings: number;
  /** Each place the bundle and the recomputation (or two of the bundle's files) disagree. */
  differences: string[];
}

const decoder = new TextDecoder();

function text(files: ReadonlyMap<string, Uint8Array>, name: string): string {
  const bytes = files.get(name);
  if (!bytes) throw new ReevaluateError(`${name} is missing from the bundle`);
  return decoder.decode(bytes);
}

function json<T>(files: ReadonlyMap<string, Uint8Array>, name: string): T {
  try {
    return JSON.parse(text(files, name)) as T;
  } catch (error) {
    if (error instanceof ReevaluateError) throw error;
    throw new ReevaluateError(`${name} is not valid JSON`);
  }
}

function yamlData<T>(
  files: ReadonlyMap<string, Uint8Array>,
  name: string,
  schema: { parse(v: unknown): T },
): T {
  try {
    return schema.parse(parse(text(files, name)));
  } catch (error) {
    if (error instanceof ReevaluateError) throw error;
    throw new ReevaluateError(
      `${name}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
}

type ReportSource = Omit<JsonReport['findings'][number], 'sources' | 'waiver' | 'suppressionRefused'>;

/**
 * The findings as the gate saw them: normalized, with the tool's own severity (overrides re-apply),
 * every tool's finding of a merged problem (the gate merges them again, the same way).
 */
function findingsOf(report: JsonReport): Finding[] {
  const all: ReportSource[] = report.findings.flatMap((f) => (f.sources?.length ? f.sources : [f]));
  return all.map((f, index) => ({
    scanner: f.scanner,
    scannerVersion: f.scannerVersion,
    ruleId: f.ruleId,
    ...(f.ruleName !== null ? { ruleName: f.ruleName } : {}),
    message: f.message,
    severity: f.scannerSeverity,
    severitySource: f.severitySource,
    cwe: f.cwe,
    ...(f.category !== null ? { category: f.category } : {}),
    tags: f.tags,
    path: f.path,
    inWorkspace: f.inWorkspace,
    line: f.line,
    endLine: f.endLine,
    ...(f.column !== null ? { column: f.column } : {}),
    ...(f.snippet !== null ? { snippet: f.snippet } : {}),
    suppressed: f.suppressed,
    suppressions: f.suppressions,
    fingerprint: f.fingerprint,
    secret: f.secret,
    resultIndex: index,
    ...(f.baselineState !== null ? { baselineState: f.baselineState } : {}),
  }));
}

/** The runs as the gate saw them: what covers what, and which failed or left files unjudged. */
function scannersOf(report: JsonReport): ScannerRun[] {
  return report.scanners.map((s) => ({
    id: s.id,
    displayName: s.name,
    status: s.status,
    durationMs: s.durationMs,
    filesScanned: s.filesScanned,
    findings: [],
    ...(s.unjudged ? { unjudged: s.unjudged } : {}),
    // SARIF given with --sarif stands for CC7.1 (src/runner/import-sarif.ts); its runs are named so.
    ...(s.id.startsWith('sarif-') ? { covers: IMPORTED_SARIF_COVERS } : {}),
  }));
}

function waiversOf(files: ReadonlyMap<string, Uint8Array>, facts: RunFacts, now: Date): Waiver[] {
  const file = facts.hashes.waivers?.file;
  if (!file) return [];
  const name = `inputs/policy/${inside(file)}`;
  return parseWaivers(text(files, name), name, now);
}

/** inputs/ holds the bytes run.json hashed: otherwise the recomputation would judge by other rules. */
function inputHashProblems(files: ReadonlyMap<string, Uint8Array>, facts: RunFacts): string[] {
  const policy = [facts.hashes.config, facts.hashes.waivers].flatMap((h) =>
    h ? [[`inputs/policy/${inside(h.file)}`, h.sha256] as [string, string]] : [],
  );
  const expected: [string, string][] = [
    ['inputs/catalog.yml', facts.hashes.catalog.sha256],
    ['inputs/mapping.yml', facts.hashes.mapping.sha256],
    ...policy,
  ];
  return expected.flatMap(([name, want]) => {
    const bytes = files.get(name);
    if (!bytes) return [`${name}: missing, but run.json hashes it`];
    return sha256(bytes) === want ? [] : [`${name}: its SHA-256 is not the one run.json records`];
  });
}

const list = (values: readonly string[]) => [...values].sort().join(', ') || 'none';

/** Where the recomputed gate and the report the bundle holds differ. */
function gateDifferences(report: JsonReport, gate: GateResult): string[] {
  const out: string[] = [];
  if (report.decision !== gate.decision)
    out.push(`decision: the bundle says ${report.decision}, recomputed ${gate.decision}`);
  if (report.exitCode !== gate.exitCode)
    out.push(`exit code: the bundle says ${report.exitCode}, recomputed ${gate.exitCode}`);
  const recomputed = new Map(gate.controls.map((c) => [c.id, c]));
  for (const c of report.controls) {
    const r = recomputed.get(c.id);
    if (!r) {
      out.push(`${c.id}: in the bundle, not in its catalog`);
      continue;
    }
    if (c.verdict !== r.verdict)
      out.push(`${c.id}: verdict ${c.verdict} in the bundle, recomputed ${r.verdict}`);
    for (const key of ['findings', 'waived', 'existing', 'belowThreshold', 'suppressed'] as const) {
      if (list(c[key]) !== list(r[key]))
        out.push(`${c.id}: ${key} ${list(c[key])} in the bundle, recomputed ${list(r[key])}`);
    }
  }
  if (report.controls.length !== gate.controls.length)
    out.push(`criteria: ${report.controls.length} in the bundle, ${gate.controls.length} in its catalog`);
  if (report.findings.length !== gate.findings.length)
    out.push(`problems: ${report.findings.length} in the bundle, recomputed ${gate.findings.length}`);
  const listed = new Map(report.findings.map((f) => [f.fingerprint, f]));
  gate.findings.forEach((g) => {
    const f = listed.get(g.finding.fingerprint);
    if (!f) {
      out.push(`finding ${g.finding.fingerprint}: recomputed as a problem, not one in the bundle`);
      return;
    }
    const where = `finding ${f.fingerprint} (${f.scanner} ${f.ruleId} at ${f.path}:${f.line})`;
    if (list(f.criteria) !== list(g.criteria))
      out.push(`${where}: criteria ${list(f.criteria)} in the bundle, recomputed ${list(g.criteria)}`);
    if (f.severity !== g.severity)
      out.push(`${where}: severity ${f.severity} in the bundle, recomputed ${g.severity}`);
    const waiver = g.waiver ? (g.waiver.id ?? `line ${g.waiver.line}`) : null;
    if (f.waiver !== waiver)
      out.push(`${where}: waiver ${f.waiver ?? 'none'} in the bundle, recomputed ${waiver ?? 'none'}`);
  });
  return out;
}

interface ControlsFile {
  decision: string;
  exitCode: number;
  controls: { id: string; verdict: string }[];
}

/** What the other renderings of the decision say: the HTML report's banner and the OSCAL results. */
export interface Renderings {
  html?: string;
  oscalResults?: unknown;
}

/** The decision the HTML report shows, from its decision banner's class. */
function htmlDecision(html: string): string | undefined {
  return /class="decision decision-(block|pass)"/.exec(html)?.[1];
}

/** The decision the OSCAL results record, from controlgate's `decision` property. */
function oscalDecision(results: unknown): string | undefined {
  const doc = results as {
    'assessment-results'?: { results?: { props?: { name: string; value: string }[] }[] };
  };
  return doc['assessment-results']?.results?.[0]?.props?.find((p) => p.name === 'decision')?.value;
}

/**
 * The bundle's own files must tell one story: controls.json, run.json, the HTML report and the OSCAL
 * results against controlgate.json. Editing one and writing the manifest again shows here.
 */
export function consistencyProblems(
  report: JsonReport,
  controls: ControlsFile,
  facts: RunFacts,
  renderings: Renderings = {},
): string[] {
  const out: string[] = [];
  if (renderings.html !== undefined) {
    const shown = htmlDecision(renderings.html);
    if (shown !== report.decision)
      out.push(`report.html shows ${shown ?? 'no decision'}, controlgate.json says ${report.decision}`);
  }
  if (renderings.oscalResults !== undefined) {
    const recorded = oscalDecision(renderings.oscalResults);
    if (recorded !== report.decision)
      out.push(
        `oscal/assessment-results.json records ${recorded ?? 'no decision'}, controlgate.json says ${report.decision}`,
      );
  }
  if (controls.decision !== report.decision)
    out.push(`controls.json says ${controls.decision}, controlgate.json says ${report.decision}`);
  if (controls.exitCode !== report.exitCode)
    out.push(`controls.json exit code ${controls.exitCode}, controlgate.json ${report.exitCode}`);
  if (facts.decision !== report.decision)
    out.push(`run.json says ${facts.decision}, controlgate.json says ${report.decision}`);
  if (facts.exitCode !== report.exitCode)
    out.push(`run.json exit code ${facts.exitCode}, controlgate.json ${report.exitCode}`);
  const verdicts = new Map(report.controls.map((c) => [c.id, c.verdict]));
  for (const c of controls.controls ?? []) {
    if (verdicts.get(c.id) !== c.verdict)
      out.push(
        `${c.id}: controls.json says ${c.verdict}, controlgate.json says ${verdicts.get(c.id) ?? 'nothing'}`,
      );
  }
  return out;
}

/**
 * For `evidence verify`: whether an intact bundle's files agree with each other. Bundles without a
 * report (not controlgate's) have nothing to compare.
 */
export async function bundleConsistency(location: string): Promise<string[]> {
  const files = await readBundle(location);
  if (!files.has('controlgate.json') || !files.has('controls.json') || !files.has('run.json')) return [];
  const report = parseJsonReport(text(files, 'controlgate.json'), path.join(location, 'controlgate.json'));
  return consistencyProblems(
    report,
    json<ControlsFile>(files, 'controls.json'),
    json<RunFacts>(files, 'run.json'),
    renderingsOf(files),
  );
}

function renderingsOf(files: ReadonlyMap<string, Uint8Array>): Renderings {
  return {
    ...(files.has('report.html') ? { html: text(files, 'report.html') } : {}),
    ...(files.has('oscal/assessment-results.json')
      ? { oscalResults: json<unknown>(files, 'oscal/assessment-results.json') }
      : {}),
  };
}

/** Re-derives a bundle's decision (folder or zip) and lists every difference. */
export async function reevaluateBundle(location: string): Promise<Reevaluation> {
  const files = await readBundle(location);
  const verified = verifyFiles(files);
  if (!verified.ok)
    throw new ReevaluateError(`the bundle does not match its manifest: ${verified.problems.join('; ')}`);
  if (!files.has('inputs/config.effective.json'))
    throw new ReevaluateError(
      'the bundle has no inputs/ folder (written by a controlgate before 0.2): it holds hashes of its policy and mapping, not their content',
    );
  const report = parseJsonReport(text(files, 'controlgate.json'), path.join(location, 'controlgate.json'));
  const facts = json<RunFacts>(files, 'run.json');
  const config: Config = (() => {
    try {
      return configSchema.parse(json<unknown>(files, 'inputs/config.effective.json'));
    } catch (error) {
      if (error instanceof ReevaluateError) throw error;
      throw new ReevaluateError('inputs/config.effective.json is not a configuration this version reads');
    }
  })();
  const catalog = yamlData(files, 'inputs/catalog.yml', catalogSchema);
  const mapping = yamlData(files, 'inputs/mapping.yml', mappingSchema);
  // The run's own clock: whether a waiver had expired is decided as of the run, not of today.
  const now = new Date(facts.startedAt);
  const gate = evaluateGate({
    findings: findingsOf(report),
    scanners: scannersOf(report),
    catalog,
    mapper: new Mapper(mapping),
    config,
    waivers: waiversOf(files, facts, now),
    now,
    judge: report.baseline?.judged ?? 'all',
  });
  return {
    location,
    decision: { bundle: report.decision, recomputed: gate.decision },
    exitCode: { bundle: report.exitCode, recomputed: gate.exitCode },
    criteria: gate.controls.length,
    findings: gate.findings.length,
    differences: [
      ...inputHashProblems(files, facts),
      ...consistencyProblems(report, json<ControlsFile>(files, 'controls.json'), facts, renderingsOf(files)),
      ...gateDifferences(report, gate),
    ],
  };
}

/** The result for the terminal: one line when it agrees, else every difference. */
export function renderReevaluation(r: Reevaluation): string {
  const head = `${r.location}: recomputed ${r.decision.recomputed} (exit ${r.exitCode.recomputed}) from inputs/ for ${r.criteria} criteria and ${r.findings} findings`;
  if (r.differences.length === 0) return `${head}; agrees with the bundle\n`;
  return `${head}; ${r.differences.length} difference(s) from the bundle:\n${r.differences.map((d) => `  - ${d}\n`).join('')}`;
}
