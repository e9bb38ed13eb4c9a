import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { gitlabCodeQualityReport } from '../../src/report/gitlab/codequality.ts';
import { gitlabSastReport } from '../../src/report/gitlab/sast.ts';
import {
  codeQualityReportSchema,
  type GitlabSastReport,
  gitlabSastReportSchema,
} from '../../src/report/gitlab/schema.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { OFFLINE_ENV } from '../../src/tools/offline-env.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { toolFindings } from '../support/tool-findings.ts';

const APP = path.join(REPO_ROOT, 'examples', 'vulnerable-app');
const KICS_DIR = path.join(REPO_ROOT, '.tools', 'kics');

/** Runs a tool to completion; resolves with its exit code and the tail of its stderr. */
function run(file: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(file, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** Parsed as JSON only; validating it against our model is what the tests do. */
async function readReport(file: string): Promise<GitlabSastReport> {
  return JSON.parse(await readFile(file, 'utf8')) as GitlabSastReport;
}

/**
 * What "the same vulnerability" means across reports: repo-relative file, line range, primary rule
 * identifier and severity. The tools' own `id`s are their own UUIDs/hashes, so they are not compared.
 * `base` is the directory the report's paths are relative to (KICS writes them relative to its cwd).
 */
function keys(report: GitlabSastReport, base: string, primaryType?: string): string[] {
  return report.vulnerabilities
    .filter((v) => primaryType === undefined || v.identifiers[0]?.type === primaryType)
    .map((v) => {
      const file = path.relative(REPO_ROOT, path.resolve(base, v.location.file ?? ''));
      const rule = v.identifiers[0]?.value;
      return `${file}:${v.location.start_line}-${v.location.end_line} ${rule} ${v.severity}`;
    })
    .sort();
}

describe('GitLab reports of the example app scan', () => {
  const scan = inject('exampleScan');
  let report: JsonReport;
  let ours: GitlabSastReport;
  let tmp: string;
  let semgrep: GitlabSastReport;
  let kics: GitlabSastReport;

  beforeAll(async () => {
    const file = path.join(scan.outDir, 'controlgate.json');
    report = parseJsonReport(await readFile(file, 'utf8'), file);
    // Tool for tool, as each tool alone would list them: one problem two tools found is merged into
    // one vulnerability (checked below), which a comparison with one tool's own report cannot show.
    ours = gitlabSastReport({ ...report, findings: toolFindings(report) });
    tmp = await mkdtemp(path.join(tmpdir(), 'controlgate-gitlab-'));
    // Each tool writes its own GitLab SAST report of the same app; both run at once (KICS takes ~50 s).
    const [sg, kx] = await Promise.all([
      run(
        path.join(REPO_ROOT, '.tools', 'venv', 'bin', 'semgrep'),
        [
          'scan',
          '--metrics=off',
          '--disable-version-check',
          '--no-rewrite-rule-ids',
          '--gitlab-sast',
          '--config',
          'scanners/semgrep/rules',
          '-o',
          path.join(tmp, 'semgrep-gl.json'),
          'examples/vulnerable-app',
        ],
        REPO_ROOT,
        { ...OFFLINE_ENV },
      ),
      run(
        path.join(KICS_DIR, 'kics'),
        [
          'scan',
          '--path',
          APP,
          '--output-path',
          tmp,
          '--output-name',
          'kics-gl',
          '--report-formats',
          'glsast',
          '--ci',
          '--no-progress',
        ],
        KICS_DIR,
      ),
    ]);
    expect(sg.code, sg.stderr).toBe(0);
    // KICS exits 20–60 by the highest severity it found; 0 would mean it found nothing.
    expect([20, 30, 40, 50, 60], kx.stderr).toContain(kx.code);
    semgrep = await readReport(path.join(tmp, 'semgrep-gl.json'));
    // KICS prefixes glsast reports with "gl-sast-".
    kics = await readReport(path.join(tmp, 'gl-sast-kics-gl.json'));
  });

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('writes a SAST report our 15.x model accepts, with every scanner covered', () => {
    expect(gitlabSastReportSchema.safeParse(ours).error).toBeUndefined();
    expect(ours.scan.status).toBe('success');
    expect(ours.scan.scanner.id).toBe('controlgate');
    for (const type of ['semgrep_id', 'bandit_test_id', 'kics_id']) {
      expect(
        ours.vulnerabilities.some((v) => v.identifiers[0]?.type === type),
        type,
      ).toBe(true);
    }
    expect(new Set(ours.vulnerabilities.map((v) => v.id)).size).toBe(ours.vulnerabilities.length);
  });

  it('writes a Code Quality report with one unique fingerprint per SAST vulnerability', () => {
    const issues = gitlabCodeQualityReport(report);
    expect(codeQualityReportSchema.safeParse(issues).error).toBeUndefined();
    // One issue per problem, as the SAST report of the merged findings has one vulnerability per problem.
    expect(issues).toHaveLength(gitlabSastReport(report).vulnerabilities.length);
    // GitLab's MR widget folds issues with the same fingerprint into one.
    expect(new Set(issues.map((i) => i.fingerprint)).size).toBe(issues.length);
  });

  it("KICS's own glsast report satisfies the same model", () => {
    // KICS declares 15.0.6; its `id` is a SHA-256 (the schema only recommends a UUID) and it adds
    // `cwe` and `risk_score`, which the schema allows as extra properties.
    expect(gitlabSastReportSchema.safeParse(kics).error).toBeUndefined();
  });

  it("Semgrep's own gitlab-sast report fails the model only where it breaks GitLab's schema", () => {
    // Semgrep writes `"url": "not available"` in the identifier of a rule without a source URL. Every
    // 15.x schema, including the 15.0.4 Semgrep declares, requires identifier urls to match
    // ^https?://.+ (15.0.7 on: ^(https?|ftp)://.+), so this is Semgrep's bug, not an over-strict model.
    const issues = gitlabSastReportSchema.safeParse(semgrep).error?.issues ?? [];
    for (const issue of issues) {
      expect(issue.path.map((p) => (typeof p === 'number' ? '#' : String(p))).join('.')).toBe(
        'vulnerabilities.#.identifiers.#.url',
      );
    }
    const placeholders = semgrep.vulnerabilities.flatMap((v) =>
      v.identifiers.filter((i) => i.url === 'not available'),
    );
    expect(issues).toHaveLength(placeholders.length);
    // Without the placeholder the report has everything the schema requires.
    for (const i of placeholders) delete i.url;
    expect(gitlabSastReportSchema.safeParse(semgrep).error).toBeUndefined();
  });

  it('reports the same Semgrep vulnerabilities as `semgrep --gitlab-sast`', () => {
    // Semgrep drops nosemgrep'd results; controlgate keeps them as suppressed findings and leaves
    // them out of the GitLab report, so the two agree. Semgrep was given the app directory, where we
    // pass explicit files: for this app its default ignores change nothing. Paths are repo-relative.
    const theirs = keys(semgrep, REPO_ROOT);
    expect(theirs.length).toBeGreaterThan(0);
    expect(keys(ours, REPO_ROOT, 'semgrep_id')).toEqual(theirs);
    expect(toolFindings(report).some((f) => f.scanner === 'semgrep' && f.suppressed)).toBe(true);
  });

  it('lists a problem two tools found once, with both tools’ rules as identifiers', () => {
    const merged = gitlabSastReport(report);
    const both = merged.vulnerabilities.filter((v) => {
      const types = v.identifiers.map((i) => i.type);
      return types.includes('semgrep_id') && types.includes('bandit_test_id');
    });
    expect(both.length).toBeGreaterThan(0);
    expect(merged.vulnerabilities.length).toBeLessThan(ours.vulnerabilities.length);
    const sql = both.find((v) => v.identifiers.some((i) => i.value === 'B608'));
    expect(sql?.identifiers.map((i) => i.value)).toEqual(
      expect.arrayContaining(['controlgate.python.sql-injection-string-format', 'B608', '89']),
    );
  });

  it("reports the same KICS vulnerabilities as KICS's glsast, down to names and CWEs", () => {
    // KICS's paths are relative to its working directory (.tools/kics); resolved, they are ours. Its
    // line numbers, query ids (primary identifier values) and severities match ours one for one,
    // duplicates included (one query can flag the same line more than once).
    // Queries the mapping calls advisory (naming, descriptions: no security control behind them) are
    // left out of our report, as everywhere a finding has no criterion; the rest match one for one.
    const advisory = new Set(
      toolFindings(report)
        .filter((f) => f.scanner === 'kics' && f.advisory)
        .map((f) => f.ruleId),
    );
    expect(advisory.size).toBeGreaterThan(0);
    const securityOnly = {
      ...kics,
      vulnerabilities: kics.vulnerabilities.filter((v) => !advisory.has(v.identifiers[0]?.value ?? '')),
    };
    const theirs = keys(securityOnly, KICS_DIR);
    expect(theirs.length).toBeGreaterThan(0);
    expect(keys(ours, REPO_ROOT, 'kics_id')).toEqual(theirs);
    // KICS puts the CWE in a non-schema `cwe` field; ours is a `cwe` identifier.
    const kicsCwe = securityOnly.vulnerabilities
      .map((v) => `${v.identifiers[0]?.value} ${v.name} ${(v as { cwe?: string }).cwe ?? ''}`)
      .sort();
    const ourCwe = ours.vulnerabilities
      .filter((v) => v.identifiers[0]?.type === 'kics_id')
      .map(
        (v) =>
          `${v.identifiers[0]?.value} ${v.name} ${v.identifiers.find((i) => i.type === 'cwe')?.value ?? ''}`,
      )
      .sort();
    expect(ourCwe).toEqual(kicsCwe);
  });
});
