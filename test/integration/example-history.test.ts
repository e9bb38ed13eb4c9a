import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoOsvDatabase } from '../../scripts/osv-database.ts';
import { errorMessage } from '../../src/errors.ts';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { CLI } from '../support/cli.ts';
import { type ExampleHistory, exampleHistory } from '../support/example-history.ts';
import { type NodeRun, spawnNode } from '../support/spawn-node.ts';
import { toolFindings, toolFixed } from '../support/tool-findings.ts';

/*
 * The example app's pull request (test/fixtures/example-history): a deploy script gets a GitLab token,
 * the next commit reads it from the environment instead, a third upgrades lodash. Scanned as a pull
 * request with the real Gitleaks and OSV-Scanner (offline, against the demo's advisory records):
 * the token, gone from the tree, is still found in the change's commits and blocks; lodash's
 * advisory is fixed by the change; PyYAML's, untouched, stays as it was; the token is printed nowhere.
 */

const TOKEN = /glpat-[A-Za-z0-9_-]{20}/;

let history: ExampleHistory;
let scratch: string;
let outDir: string;
let run: NodeRun;
let report: JsonReport;

beforeAll(async () => {
  history = exampleHistory();
  scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-example-history-out-')));
  outDir = path.join(scratch, 'out');
  const database = writeDemoOsvDatabase(path.join(scratch, 'osv'));
  run = await spawnNode(
    CLI,
    [
      'scan',
      '--base',
      'main',
      '--scanners',
      'gitleaks,osv-scanner',
      '--format',
      'json',
      '--no-progress',
      '--out-dir',
      outDir,
      '--evidence',
      path.join(outDir, 'evidence'),
    ],
    {
      cwd: history.repo.dir,
      env: { ...process.env, CONTROLGATE_OSV_DATABASE: database },
      timeoutMs: 300_000,
    },
  );
  try {
    report = parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)');
  } catch (error) {
    throw new Error(`no JSON report (exit ${run.exitCode}): ${errorMessage(error)}\n${run.stderr}`);
  }
}, 360_000);

afterAll(() => {
  history?.repo.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the example app’s pull request', () => {
  it('is blocked for the token its history holds, though its last commit removed it', () => {
    expect(run.exitCode, run.stderr).toBe(1);
    expect(report.scanners.map((s) => [s.id, s.status])).toEqual([
      ['gitleaks', 'ok'],
      ['osv-scanner', 'ok'],
    ]);
    const leak = toolFindings(report).filter((f) => f.scanner === 'gitleaks' && f.baselineState === 'new');
    expect(leak).toHaveLength(1);
    const [finding] = leak;
    const added = history.commits.find((c) => c.folder === '1-deploy-script')?.sha ?? '';
    expect(finding?.ruleId).toBe('gitlab-pat');
    expect(finding?.inWorkspace).toBe(false);
    expect(`${finding?.path} ${finding?.message}`).toContain(added.slice(0, 7));
    expect(finding?.path).toContain('web/deploy.js');
    const blocking = report.controls.filter((c) => c.verdict === 'fail').map((c) => c.id);
    expect(blocking).toEqual(expect.arrayContaining(['CC6.1', 'CC6.6']));
  });

  it('fixes lodash’s advisory and leaves PyYAML’s, which it did not touch, unchanged and not judged', () => {
    const fixed = toolFixed(report).filter((f) => f.scanner === 'osv-scanner');
    expect(fixed.map((f) => f.ruleId)).toEqual(['GHSA-35jh-r3h4-6jhm']);
    const osv = toolFindings(report).filter((f) => f.scanner === 'osv-scanner');
    expect(osv.map((f) => [f.ruleId, f.baselineState])).toEqual([['GHSA-8q59-q68h-6hv4', 'unchanged']]);
    expect(osv[0]?.message).toContain('Upgrade pyyaml from 5.3.1 to 5.4');
    // Only the change's own problems can fail a criterion: CC7.1 holds nothing new.
    expect(report.controls.find((c) => c.id === 'CC7.1')?.verdict).not.toBe('fail');
  });

  it('prints and stores the token nowhere: not on stdout or stderr, not in the outputs or the evidence', () => {
    const token = TOKEN.exec(
      readFileSync(
        path.join(__dirname, '..', 'fixtures', 'example-history', '1-deploy-script', 'web', 'deploy.js'),
        'utf8',
      ),
    )?.[0];
    expect(token).toBeDefined();
    const needle = token ?? 'unreachable';
    expect(run.stdout).not.toContain(needle);
    expect(run.stderr).not.toContain(needle);
    const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' })
      .map((rel) => path.join(outDir, rel))
      .filter((file) => statSync(file).isFile());
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) expect(readFileSync(file, 'utf8'), file).not.toContain(needle);
  });
});
