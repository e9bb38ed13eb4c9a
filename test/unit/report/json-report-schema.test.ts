import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/clock.ts';
import { ReportError } from '../../../src/errors.ts';
import { realExec } from '../../../src/exec/exec.ts';
import { type ScanRequest, scan } from '../../../src/pipeline/scan.ts';
import { jsonReport } from '../../../src/report/json-report.ts';
import {
  type JsonReport,
  jsonReportSchema,
  parseJsonReport,
} from '../../../src/report/json-report-schema.ts';
import { REPO_ROOT } from '../../support/cli.ts';
import type { Recording } from '../../support/fixtures.ts';
import { GitRepo } from '../../support/git-repo.ts';
import {
  baseline,
  control,
  finding,
  fixedFinding,
  report,
  scanner,
  waiver,
} from '../../support/report-builders.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-report-schema-'));
  dirs.push(dir);
  return dir;
}

/** The report as a reader gets it (JSON text), checked to parse back to exactly itself: no field dropped. */
function expectRoundTrip(built: JsonReport): void {
  const asRead: unknown = JSON.parse(JSON.stringify(built));
  expect(jsonReportSchema.parse(asRead)).toStrictEqual(asRead);
}

/** A real scan with no scanner run: the recorded example-app SARIF logs are given as inputs. */
async function scanReport(request: Partial<ScanRequest> & { target: string }): Promise<JsonReport> {
  const dir = tempDir();
  const outcome = await scan({
    scannerIds: [],
    exec: realExec,
    toolsDir: path.join(dir, 'no-tools'),
    env: {},
    outDir: path.join(dir, 'out'),
    clock: fixedClock(NOW),
    ...request,
  });
  return jsonReport(outcome);
}

/** The recorded example-app logs, moved to this checkout as the fixture loader does. */
function fixtureInputs(): string[] {
  const dir = tempDir();
  return ['bandit', 'semgrep', 'kics'].map((tool) => {
    const fixture = path.join(REPO_ROOT, 'test', 'fixtures', 'sarif', tool);
    const recording = JSON.parse(readFileSync(path.join(fixture, 'recording.json'), 'utf8')) as Recording;
    const text = readFileSync(path.join(fixture, 'example-app.sarif'), 'utf8');
    const file = path.join(dir, `${tool}.sarif`);
    writeFileSync(file, text.replaceAll(recording.recordedRoot, REPO_ROOT));
    return file;
  });
}

describe('jsonReportSchema', () => {
  it('accepts the reports the renderer tests build, field for field', () => {
    expectRoundTrip(report({ controls: [control('CC6.1', 'pass')] }));
    expectRoundTrip(
      report({
        controls: [
          control('CC6.1', 'fail', { findings: ['fp1'] }),
          control('CC7.1', 'warn'),
          control('CC8.1', 'not-evaluated', { failedScanners: ['kics'] }),
          control('A1.2', 'out-of-scope', { category: 'availability' }),
        ],
        findings: [
          finding(1, { baselineState: 'new', column: 4, snippet: 'x = 1', helpUri: 'https://example.com' }),
          finding(2, {
            baselineState: 'unchanged',
            suppressed: true,
            suppressions: [{ kind: 'inSource', status: 'accepted', justification: 'nosec' }],
            waiver: 'W-1',
          }),
        ],
        scanners: [
          scanner('semgrep', { findings: 2 }),
          scanner('kics', { status: 'failed', error: 'exit 3', exitCode: 3, stderrTail: 'boom' }),
        ],
        waivers: {
          applied: [{ ...waiver('W-1'), findings: ['fp2'] }],
          expired: [{ ...waiver('W-2', { expires: '2025-01-01' }), wouldMatch: ['fp1'] }],
          stale: [waiver('W-3')],
        },
        baseline: baseline({
          changedFiles: [
            { status: 'renamed', path: 'app/new.py', oldPath: 'app/old.py' },
            { status: 'deleted', path: 'gone.py', oldPath: null },
          ],
          bundle: { location: 'baseline.zip', digest: 'c'.repeat(64) },
          policyChanged: ['.controlgate.yml'],
        }),
        fixed: [fixedFinding(1)],
      }),
    );
  });

  it('accepts a real scan of the example app, with waivers applied, expired and stale', async () => {
    const waivers = path.join(tempDir(), 'waivers.yml');
    writeFileSync(
      waivers,
      [
        'version: 1',
        'waivers:',
        '  - id: W-APPLIED',
        '    rule: B105',
        '    path: "**"',
        '    reason: The demo password is fake and never deployed',
        '    approver: alice@example.com',
        '    ticket: SEC-1',
        '    expires: 2026-12-31',
        '  - id: W-EXPIRED',
        '    rule: B106',
        '    path: "**"',
        '    reason: The demo password is fake and never deployed',
        '    approver: alice@example.com',
        '    ticket: SEC-2',
        '    expires: 2026-01-31',
        '  - id: W-STALE',
        '    rule: NO-SUCH-RULE',
        '    path: "**"',
        '    reason: Matches nothing, so it is listed as stale',
        '    approver: alice@example.com',
        '    ticket: SEC-3',
        '    expires: 2026-12-31',
        '',
      ].join('\n'),
    );
    const real = await scanReport({
      target: path.join(REPO_ROOT, 'examples', 'vulnerable-app'),
      cwd: REPO_ROOT,
      sarifInputs: fixtureInputs(),
      waiversFile: waivers,
    });
    expect(real.findings.length).toBeGreaterThan(50);
    expect(real.waivers.applied.map((w) => w.id)).toEqual(['W-APPLIED']);
    expect(real.waivers.expired.map((w) => w.id)).toEqual(['W-EXPIRED']);
    expect(real.waivers.stale.map((w) => w.id)).toEqual(['W-STALE']);
    expectRoundTrip(real);
  });

  it('accepts a real scan compared with its base branch', async () => {
    const repo = GitRepo.create({ 'app.py': 'print("hello")\n', '.controlgate.yml': 'exclude: []\n' });
    dirs.push(path.dirname(repo.dir));
    repo.commit('Base');
    repo.branch('feature');
    repo.write({ 'app.py': 'print("changed")\n', '.controlgate.yml': 'exclude: ["vendor/**"]\n' });
    repo.commit('Change');
    const real = await scanReport({ target: repo.dir, cwd: repo.dir, base: { ref: 'main', source: 'cli' } });
    expect(real.baseline?.changedFiles.map((c) => c.path).sort()).toEqual(['.controlgate.yml', 'app.py']);
    expectRoundTrip(real);
  });
});

describe('parseJsonReport', () => {
  const good = report({ controls: [control('CC6.1', 'fail')], findings: [finding(1)] });
  const text = (value: unknown) => JSON.stringify(value, null, 2);

  function reportError(input: string, file = 'bundle/controlgate.json'): ReportError {
    try {
      parseJsonReport(input, file);
    } catch (error) {
      expect(error).toBeInstanceOf(ReportError);
      return error as ReportError;
    }
    throw new Error('expected a ReportError');
  }

  it('reads a report back as it was written', () => {
    expect(parseJsonReport(text(good), 'controlgate.json')).toStrictEqual(good);
  });

  it('drops fields a newer controlgate adds instead of refusing the report', () => {
    const newer = { ...good, addedLater: true, findings: good.findings.map((f) => ({ ...f, alsoNew: 1 })) };
    expect(parseJsonReport(text(newer), 'controlgate.json')).toStrictEqual(good);
  });

  it('reads a report with a byte order mark', () => {
    expect(parseJsonReport(`\ufeff${text(good)}`, 'controlgate.json')).toStrictEqual(good);
  });

  it('names the file and the JSON path of the first problem', () => {
    const bad = { ...good, findings: good.findings.map((f) => ({ ...f, line: 'ten' })), decision: 'maybe' };
    const error = reportError(text(bad));
    expect(error.file).toBe('bundle/controlgate.json');
    expect(error.problems).toHaveLength(1);
    expect(error.message).toMatch(
      /^bundle\/controlgate\.json: not a usable controlgate JSON report: \$\.decision: /,
    );
    expect(error.message).toContain('(and 1 more problem)');
  });

  it('names a missing field by its path', () => {
    const { fixed: _fixed, ...withoutFixed } = good;
    expect(reportError(text(withoutFixed)).problems[0]).toMatch(/^\$\.fixed: /);
  });

  it('refuses another tool’s JSON, an empty file and text that is not JSON', () => {
    expect(reportError(text({ ...good, tool: { name: 'other', version: '1' } })).problems[0]).toMatch(
      /^\$\.tool\.name: /,
    );
    expect(reportError('  \n').problems).toEqual(['the file is empty']);
    expect(reportError('{"tool":').problems[0]).toMatch(/^invalid JSON \(/);
  });
});
