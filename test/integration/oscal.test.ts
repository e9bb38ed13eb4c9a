import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUPED_OBSERVATIONS_ABOVE } from '../../src/evidence/oscal/observations.ts';
import { OSCAL_FILES, type OscalDocuments, oscalDocuments } from '../../src/evidence/oscal.ts';
import { toolsDir } from '../../src/paths.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import type { RunFacts } from '../../src/report/run-facts.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { unresolvedHrefs } from '../support/oscal-hrefs.ts';
import { control, finding, report, scanner, waiver } from '../support/report-builders.ts';
import { ciRunFacts } from '../support/run-facts.ts';
import { sarifResultHrefs } from '../support/sarif-result-hrefs.ts';

const TRESTLE = path.join(toolsDir(), 'trestle-venv', 'bin', 'trestle');
const NAME = 'controlgate';
const UUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

interface Prop {
  name: string;
  value: string;
}
interface Observation {
  uuid: string;
  props: Prop[];
  methods: string[];
  'relevant-evidence': { href?: string }[];
}
interface OscalFinding {
  uuid: string;
  target: { type: string; 'target-id': string; status: { state: string; reason?: string } };
  'related-observations'?: { 'observation-uuid': string }[];
}
interface Result {
  observations: Observation[];
  findings: OscalFinding[];
  props: Prop[];
}

/** Every part id of the catalog, where objective-id targets must point. */
function partIds(catalog: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (Array.isArray(o.parts)) for (const p of o.parts as { id?: string }[]) if (p.id) ids.add(p.id);
      Object.values(o).forEach(walk);
    }
  };
  walk(catalog);
  return ids;
}

/** Secret values planted in the example app; the key lines are read from the file itself. */
function plantedSecrets(): string[] {
  const root = path.join(REPO_ROOT, 'examples', 'vulnerable-app');
  const found = new Set(['Inv3ntory-Demo-Only-Not-Real', 'AKIAIOSFODNN7EXAMPLE', 'AKIAZ7Q3DEMOFAKEK3Y9']);
  const key = readFileSync(path.join(root, 'config/dev-key.pem'), 'utf8').split('\n');
  for (const line of key) if (line.length > 20 && !line.startsWith('-----')) found.add(line.trim());
  return [...found];
}

function run(file: string, args: readonly string[], cwd: string) {
  const r = spawnSync(file, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: `${r.error?.message ?? ''}${r.stderr ?? ''}` };
}

/** Where each document goes in a trestle workspace, by its file name in a bundle. */
const TRESTLE_DIRS: Record<string, string> = {
  [OSCAL_FILES.catalog]: 'catalogs',
  [OSCAL_FILES.profile]: 'profiles',
  [OSCAL_FILES.ssp]: 'system-security-plans',
  [OSCAL_FILES.plan]: 'assessment-plans',
  [OSCAL_FILES.results]: 'assessment-results',
};

function byFile(docs: OscalDocuments): [string, unknown][] {
  return [
    [OSCAL_FILES.catalog, docs.catalog],
    [OSCAL_FILES.profile, docs.profile],
    [OSCAL_FILES.ssp, docs.systemSecurityPlan],
    [OSCAL_FILES.plan, docs.assessmentPlan],
    [OSCAL_FILES.results, docs.assessmentResults],
  ];
}

/**
 * `trestle validate -a` on the five documents in a fresh workspace. trestle resolves a relative
 * import href against the workspace root, so the catalog and profile also sit there, as they sit
 * beside the SSP in a bundle: trestle then follows SSP → profile → catalog.
 */
function trestleValidate(workspace: string, docs: readonly (readonly [string, unknown])[]) {
  expect(
    existsSync(TRESTLE),
    `compliance-trestle is missing (${TRESTLE}): run \`node scripts/install-trestle.ts\``,
  ).toBe(true);
  const init = run(TRESTLE, ['init'], workspace);
  expect(init.status, init.stderr).toBe(0);
  for (const [file, doc] of docs) {
    const text = typeof doc === 'string' ? doc : `${JSON.stringify(doc, null, 2)}\n`;
    const dir = path.join(workspace, TRESTLE_DIRS[file] as string, NAME);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, file), text);
    if (file === OSCAL_FILES.catalog || file === OSCAL_FILES.profile)
      writeFileSync(path.join(workspace, file), text);
  }
  const validate = run(TRESTLE, ['validate', '-a'], workspace);
  expect(validate.stderr.trim(), validate.stdout).toBe('');
  expect(validate.status, validate.stdout).toBe(0);
  expect(validate.stdout.match(/^VALID: /gm)).toHaveLength(5);
  expect(validate.stdout).not.toMatch(/INVALID|ERROR/);
  // The SSP's profile and the profile's catalog were followed, not skipped.
  expect(validate.stdout).toContain(`Validating local file access: ${OSCAL_FILES.profile}`);
  expect(validate.stdout).toContain(`Validating local file access: ${OSCAL_FILES.catalog}`);
}

describe('OSCAL for the example app: catalog, profile, SSP, plan and results, validated by compliance-trestle', () => {
  const scan = inject('exampleScan');
  let report: JsonReport;
  let facts: RunFacts;
  let sarifHrefs: Map<string, string>;
  let docs: OscalDocuments;
  let results: Record<string, unknown>;
  let result: Result;
  let workspace: string;
  const options = () => ({ sarifHrefs: new Map(sarifHrefs), findingsHref: 'controlgate.json' });

  beforeAll(() => {
    const file = path.join(scan.outDir, 'controlgate.json');
    report = parseJsonReport(readFileSync(file, 'utf8'), file);
    const sarif = JSON.parse(readFileSync(path.join(scan.outDir, 'controlgate.sarif'), 'utf8')) as Sarif.Log;
    sarifHrefs = sarifResultHrefs(sarif, 'sarif/merged.sarif');
    facts = ciRunFacts(report);
    docs = oscalDocuments(report, facts, options());
    results = docs.assessmentResults;
    result = (results['assessment-results'] as { results: Result[] }).results[0] as Result;
    workspace = mkdtempSync(path.join(os.tmpdir(), 'controlgate-trestle-'));
  });

  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('passes `trestle validate -a` in a fresh trestle workspace, following SSP → profile → catalog', () => {
    // Never skipped: a machine without trestle fails here, saying how to install it.
    trestleValidate(workspace, byFile(docs));
  });

  it('chains by relative hrefs: results → plan → SSP → profile → catalog', () => {
    const chain = [
      [docs.assessmentResults, 'assessment-results', 'import-ap', OSCAL_FILES.plan],
      [docs.assessmentPlan, 'assessment-plan', 'import-ssp', OSCAL_FILES.ssp],
      [docs.systemSecurityPlan, 'system-security-plan', 'import-profile', OSCAL_FILES.profile],
    ] as const;
    for (const [doc, root, key, href] of chain)
      expect((doc[root] as Record<string, { href: string }>)[key]?.href).toBe(href);
    expect((docs.profile.profile as { imports: { href: string }[] }).imports.map((i) => i.href)).toEqual([
      OSCAL_FILES.catalog,
    ]);
  });

  it('uses deterministic version-5 UUIDs, each unique', () => {
    for (const doc of Object.values(docs)) {
      const uuids = [...JSON.stringify(doc).matchAll(/"uuid":"([^"]+)"/g)].map((m) => m[1]);
      expect(uuids.length).toBeGreaterThan(0);
      for (const uuid of uuids) expect(uuid).toMatch(UUID_V5);
      expect(new Set(uuids).size).toBe(uuids.length);
    }
  });

  it('has one observation per finding, tested by a scanner, citing its SARIF result', () => {
    expect(report.findings.length).toBeGreaterThan(0);
    expect(result.observations).toHaveLength(report.findings.length);
    report.findings.forEach((f, i) => {
      const o = result.observations[i] as Observation;
      expect(o.methods).toEqual(['TEST']);
      expect(o.props.find((p) => p.name === 'fingerprint')?.value).toBe(f.fingerprint);
      expect(o.props.find((p) => p.name === 'location')?.value).toBe(`${f.path}:${f.line}`);
      expect(o['relevant-evidence'].map((e) => e.href)).toContain(sarifHrefs.get(f.fingerprint));
    });
  });

  it('targets objectives of the catalog, and every related observation exists', () => {
    const objectives = partIds(docs.catalog);
    expect(result.findings.length).toBeGreaterThan(1);
    for (const f of result.findings) {
      expect(f.target.type).toBe('objective-id');
      expect(objectives.has(f.target['target-id']), f.target['target-id']).toBe(true);
    }
    const observationUuids = new Set(result.observations.map((o) => o.uuid));
    for (const f of result.findings)
      for (const r of f['related-observations'] ?? [])
        expect(observationUuids.has(r['observation-uuid'])).toBe(true);
  });

  it('claims satisfied only where a covering scanner judged files, and nothing about the rest', () => {
    const byTarget = new Map(result.findings.map((f) => [f.target['target-id'], f]));
    for (const c of report.controls) {
      const f = byTarget.get(`${c.id.toLowerCase()}_obj`);
      if (c.verdict === 'not-covered' || c.verdict === 'out-of-scope') expect(f, c.id).toBeUndefined();
      if (f?.target.status.state === 'satisfied') {
        expect(c.verdict).toBe('pass');
        const judged = report.scanners.filter(
          (s) => c.coveredBy.includes(s.id) && s.status === 'ok' && s.filesScanned > 0,
        );
        expect(judged.length, c.id).toBeGreaterThan(0);
      }
    }
    // Process criteria (CC1.1 …) are listed as not covered, never claimed.
    expect(result.props.filter((p) => p.name === 'not-covered').map((p) => p.value)).toContain('CC1.1');
    expect(byTarget.has('cc1.1_obj')).toBe(false);
  });

  it('marks the criteria the example app fails (CC6.1, CC7.1) not-satisfied, and the gate that blocked it satisfied', () => {
    expect(report.decision).toBe('block');
    for (const id of ['CC6.1', 'CC7.1']) {
      const control = report.controls.find((c) => c.id === id);
      expect(control?.verdict).toBe('fail');
      const f = result.findings.find((x) => x.target['target-id'] === `${id.toLowerCase()}_obj`);
      expect(f?.target.status.state).toBe('not-satisfied');
      expect(f?.['related-observations']?.length).toBeGreaterThanOrEqual(control?.findings.length ?? 1);
    }
    const gate = result.findings.find((f) => f.target['target-id'] === 'cc8.1_obj.3');
    expect(gate?.target.status.state).toBe('satisfied');
    expect(gate?.['related-observations']?.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same inputs give byte-identical documents', () => {
    const again = () =>
      JSON.stringify(oscalDocuments(structuredClone(report), structuredClone(facts), options()));
    expect(again()).toBe(JSON.stringify(docs));
    expect(again()).toBe(again());
  });

  it('contains no planted secret from the example app', () => {
    const text = JSON.stringify(docs);
    for (const secret of plantedSecrets()) expect(text.includes(secret), secret).toBe(false);
  });
});

describe('OSCAL in the example scan’s evidence bundle', () => {
  const scan = inject('exampleScan');
  const bundle = () => path.join(scan.outDir, 'evidence');
  const files = Object.values(OSCAL_FILES);
  let workspace: string;
  beforeAll(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'controlgate-trestle-bundle-'));
  });
  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('holds all five documents and passes `trestle validate -a`', () => {
    for (const file of files) expect(existsSync(path.join(bundle(), 'oscal', file)), file).toBe(true);
    trestleValidate(
      workspace,
      files.map((file) => [file, readFileSync(path.join(bundle(), 'oscal', file), 'utf8')] as const),
    );
  });

  it('every href resolves to a file inside the bundle, and its fragment inside that file', () => {
    const { broken, external } = unresolvedHrefs(bundle(), path.join(bundle(), 'oscal'), files);
    expect(broken).toEqual([]);
    for (const href of external) expect(href).toMatch(/^https:\/\//);
  });

  it('ships the catalog and profile as generated into docs/oscal/', () => {
    for (const file of [OSCAL_FILES.catalog, OSCAL_FILES.profile]) {
      const inBundle = JSON.parse(readFileSync(path.join(bundle(), 'oscal', file), 'utf8'));
      const committed = JSON.parse(readFileSync(path.join(REPO_ROOT, 'docs', 'oscal', file), 'utf8'));
      expect(inBundle).toEqual(committed);
    }
  });
});

describe('OSCAL for a very large run: one observation per scanner rule', () => {
  const scan = inject('exampleScan');
  let report: JsonReport;
  let result: Result;
  let docs: OscalDocuments;
  let workspace: string;

  beforeAll(() => {
    const file = path.join(scan.outDir, 'controlgate.json');
    const base = parseJsonReport(readFileSync(file, 'utf8'), file);
    // The example's findings repeated past the threshold, each copy its own finding (fingerprint).
    const copies = Math.ceil((GROUPED_OBSERVATIONS_ABOVE + 1) / base.findings.length);
    const findings = Array.from({ length: copies }, (_, k) =>
      base.findings.map((f) => ({ ...f, fingerprint: `${f.fingerprint}-${k}`, line: f.line + k })),
    ).flat();
    const rename = (fps: string[]) =>
      fps.flatMap((fp) => Array.from({ length: copies }, (_, k) => `${fp}-${k}`));
    report = {
      ...base,
      findings,
      controls: base.controls.map((c) => ({
        ...c,
        findings: rename(c.findings),
        belowThreshold: rename(c.belowThreshold),
      })),
    };
    docs = oscalDocuments(report, ciRunFacts(report), {
      sarifHrefs: new Map(),
      findingsHref: 'controlgate.json',
    });
    result = (docs.assessmentResults['assessment-results'] as { results: Result[] }).results[0] as Result;
    workspace = mkdtempSync(path.join(os.tmpdir(), 'controlgate-trestle-large-'));
  });
  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('groups the findings by scanner and rule, and the counts add up to every finding', () => {
    expect(report.findings.length).toBeGreaterThan(GROUPED_OBSERVATIONS_ABOVE);
    const rules = new Set(report.findings.map((f) => `${f.scanner} ${f.ruleId}`));
    expect(result.observations).toHaveLength(rules.size);
    const total = result.observations
      .map((o) => Number(o.props.find((p) => p.name === 'result-count')?.value))
      .reduce((a, b) => a + b, 0);
    expect(total).toBe(report.findings.length);
    const uuids = new Set(result.observations.map((o) => o.uuid));
    const failing = result.findings.find((f) => f.target['target-id'] === 'cc6.1_obj');
    expect(failing?.['related-observations']?.length).toBeGreaterThan(0);
    for (const f of result.findings)
      for (const r of f['related-observations'] ?? []) expect(uuids.has(r['observation-uuid'])).toBe(true);
  });

  it('still passes `trestle validate -a`', () => {
    trestleValidate(
      workspace,
      byFile(docs).map(([file, doc]) => [file, `${JSON.stringify(doc)}\n`] as const),
    );
  });
});

describe('OSCAL with a waiver, a warn, an unevaluated and an unjudged criterion', () => {
  let workspace: string;
  beforeAll(() => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'controlgate-trestle-waiver-'));
  });
  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('passes `trestle validate -a`, risks and parties included', () => {
    const applied = { ...waiver('W1', { fingerprint: 'fp2', rule: null }), findings: ['fp2'] };
    const r = report({
      controls: [
        control('CC6.1', 'pass', { waived: ['fp2'] }),
        control('CC6.6', 'warn', { findings: ['fp1'] }),
        control('CC7.1', 'not-evaluated', { failedScanners: ['kics'], coveredBy: ['kics'] }),
        control('CC9.2', 'pass', { coveredBy: ['kics'] }),
        control('CC1.1', 'not-covered', { coveredBy: [] }),
      ],
      findings: [finding(1, { criteria: ['CC6.6'] }), finding(2, { waiver: 'W1' })],
      scanners: [scanner('semgrep'), scanner('kics', { status: 'failed', filesScanned: 0 })],
      waivers: { applied: [applied], expired: [], stale: [] },
    });
    const docs = oscalDocuments(r, ciRunFacts(r));
    const result = (docs.assessmentResults['assessment-results'] as { results: { risks: unknown[] }[] })
      .results[0];
    expect(result?.risks).toHaveLength(1);
    trestleValidate(workspace, byFile(docs));
  });
});
