import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as Sarif from 'sarif';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { GROUPED_OBSERVATIONS_ABOVE } from '../../src/evidence/oscal/results.ts';
import { oscalDocuments } from '../../src/evidence/oscal.ts';
import { toolsDir } from '../../src/paths.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import type { RunFacts } from '../../src/report/run-facts.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { ciRunFacts } from '../support/run-facts.ts';
import { sarifResultHrefs } from '../support/sarif-result-hrefs.ts';

const TRESTLE = path.join(toolsDir(), 'trestle-venv', 'bin', 'trestle');
const NAME = 'controlgate';
const PLAN_HREF = `trestle://assessment-plans/${NAME}/assessment-plan.json`;
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
  target: { type: string; 'target-id': string; status: { state: string } };
  'related-observations'?: { 'observation-uuid': string }[];
}
interface Result {
  observations: Observation[];
  findings: OscalFinding[];
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

describe('OSCAL assessment plan and results for the example app, validated by compliance-trestle', () => {
  const scan = inject('exampleScan');
  let report: JsonReport;
  let facts: RunFacts;
  let sarifHrefs: Map<string, string>;
  let plan: Record<string, unknown>;
  let results: Record<string, unknown>;
  let result: Result;
  let workspace: string;

  beforeAll(() => {
    const file = path.join(scan.outDir, 'controlgate.json');
    report = parseJsonReport(readFileSync(file, 'utf8'), file);
    const sarif = JSON.parse(readFileSync(path.join(scan.outDir, 'controlgate.sarif'), 'utf8')) as Sarif.Log;
    sarifHrefs = sarifResultHrefs(sarif, 'sarif/merged.sarif');
    facts = ciRunFacts(report);
    const docs = oscalDocuments(report, facts, {
      planHref: PLAN_HREF,
      sarifHrefs,
      findingsHref: 'controlgate.json',
    });
    plan = docs.assessmentPlan;
    results = docs.assessmentResults;
    const ar = results['assessment-results'] as { results: Result[] };
    result = ar.results[0] as Result;
    workspace = mkdtempSync(path.join(os.tmpdir(), 'controlgate-trestle-'));
  });

  afterAll(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  it('passes `trestle validate -a` in a fresh trestle workspace', () => {
    // Never skipped: a machine without trestle fails here, saying how to install it.
    expect(
      existsSync(TRESTLE),
      `compliance-trestle is missing (${TRESTLE}): run \`node scripts/install-trestle.ts\``,
    ).toBe(true);
    const init = run(TRESTLE, ['init'], workspace);
    expect(init.status, init.stderr).toBe(0);
    for (const [dir, file, doc] of [
      ['assessment-plans', 'assessment-plan.json', plan],
      ['assessment-results', 'assessment-results.json', results],
    ] as const) {
      mkdirSync(path.join(workspace, dir, NAME), { recursive: true });
      writeFileSync(path.join(workspace, dir, NAME, file), `${JSON.stringify(doc, null, 2)}\n`);
    }
    const validate = run(TRESTLE, ['validate', '-a'], workspace);
    expect(validate.stderr.trim()).toBe('');
    expect(validate.status, validate.stdout).toBe(0);
    expect(validate.stdout.match(/^VALID: /gm)).toHaveLength(2);
    expect(validate.stdout).not.toMatch(/INVALID|ERROR/);
  });

  it('imports the plan and uses deterministic version-5 UUIDs, each unique', () => {
    expect((results['assessment-results'] as { 'import-ap': unknown })['import-ap']).toEqual({
      href: PLAN_HREF,
    });
    for (const doc of [plan, results]) {
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

  it('has one OSCAL finding per evaluated criterion, with the verdict as its state', () => {
    const assessed = report.controls.filter((c) =>
      ['pass', 'fail', 'warn', 'not-evaluated'].includes(c.verdict),
    );
    expect(result.findings.map((f) => f.target['target-id'])).toEqual(assessed.map((c) => c.id));
    for (const c of assessed) {
      const f = result.findings.find((x) => x.target['target-id'] === c.id);
      expect(f?.target.type).toBe('objective-id');
      expect(f?.target.status.state, c.id).toBe(c.verdict === 'pass' ? 'satisfied' : 'not-satisfied');
    }
    const observationUuids = new Set(result.observations.map((o) => o.uuid));
    for (const f of result.findings)
      for (const r of f['related-observations'] ?? [])
        expect(observationUuids.has(r['observation-uuid'])).toBe(true);
  });

  it('marks the criteria the example app fails (CC6.1, CC7.1) not-satisfied, linked to their findings', () => {
    for (const id of ['CC6.1', 'CC7.1']) {
      const control = report.controls.find((c) => c.id === id);
      expect(control?.verdict).toBe('fail');
      const f = result.findings.find((x) => x.target['target-id'] === id);
      expect(f?.target.status.state).toBe('not-satisfied');
      expect(f?.['related-observations']?.length).toBeGreaterThanOrEqual(control?.findings.length ?? 1);
    }
  });

  it('is deterministic: the same inputs give byte-identical documents', () => {
    const again = () =>
      JSON.stringify(
        oscalDocuments(structuredClone(report), structuredClone(facts), {
          planHref: PLAN_HREF,
          sarifHrefs: new Map(sarifHrefs),
          findingsHref: 'controlgate.json',
        }),
      );
    expect(again()).toBe(JSON.stringify({ assessmentPlan: plan, assessmentResults: results }));
    expect(again()).toBe(again());
  });

  it('contains no planted secret from the example app', () => {
    const text = JSON.stringify([plan, results]);
    for (const secret of plantedSecrets()) expect(text.includes(secret), secret).toBe(false);
  });
});

describe('OSCAL for a very large run: one observation per scanner rule', () => {
  const scan = inject('exampleScan');
  let report: JsonReport;
  let result: Result;
  let results: Record<string, unknown>;
  let plan: Record<string, unknown>;
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
    const docs = oscalDocuments(report, ciRunFacts(report), {
      planHref: PLAN_HREF,
      sarifHrefs: new Map(),
      findingsHref: 'controlgate.json',
    });
    plan = docs.assessmentPlan;
    results = docs.assessmentResults;
    result = (results['assessment-results'] as { results: Result[] }).results[0] as Result;
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
    const failing = result.findings.find((f) => f.target['target-id'] === 'CC6.1');
    expect(failing?.['related-observations']?.length).toBeGreaterThan(0);
    for (const f of result.findings)
      for (const r of f['related-observations'] ?? []) expect(uuids.has(r['observation-uuid'])).toBe(true);
  });

  it('still passes `trestle validate -a`', () => {
    expect(existsSync(TRESTLE), `compliance-trestle is missing (${TRESTLE})`).toBe(true);
    expect(run(TRESTLE, ['init'], workspace).status).toBe(0);
    for (const [dir, file, doc] of [
      ['assessment-plans', 'assessment-plan.json', plan],
      ['assessment-results', 'assessment-results.json', results],
    ] as const) {
      mkdirSync(path.join(workspace, dir, NAME), { recursive: true });
      writeFileSync(path.join(workspace, dir, NAME, file), `${JSON.stringify(doc)}\n`);
    }
    const validate = run(TRESTLE, ['validate', '-a'], workspace);
    expect(validate.status, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout.match(/^VALID: /gm)).toHaveLength(2);
  });
});
