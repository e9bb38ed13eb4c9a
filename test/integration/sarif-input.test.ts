import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { runCli } from '../support/cli.ts';

/*
 * "Bring your own SARIF": logs written earlier in a pipeline (here shaped like ESLint's and
 * CodeQL's) go through `scan --sarif`, normalized, mapped and gated like the scanners' own.
 */

const dir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-sarif-input-'));
const workspace = path.join(dir, 'repo');
mkdirSync(path.join(workspace, 'src'), { recursive: true });
writeFileSync(
  path.join(workspace, 'src', 'app.js'),
  'const q = req.query.q;\ndocument.body.innerHTML = q;\nconst cmd = "ls " + q;\nrequire("child_process").exec(cmd);\n',
);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function log(tool: string, results: object[], rules: object[] = []): string {
  const file = path.join(dir, `${tool.toLowerCase()}.sarif`);
  writeFileSync(
    file,
    JSON.stringify({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: tool, semanticVersion: '9.1.0', rules } }, results }],
    }),
  );
  return file;
}

const eslint = log(
  'ESLint',
  [
    {
      ruleId: 'no-unsanitized/property',
      level: 'error',
      message: { text: 'Unsafe assignment to innerHTML' },
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'src/app.js' }, region: { startLine: 2 } } },
      ],
    },
  ],
  [{ id: 'no-unsanitized/property', properties: { tags: ['security', 'external/cwe/cwe-79'] } }],
);
const codeql = log(
  'CodeQL',
  [
    {
      ruleId: 'js/command-line-injection',
      message: { text: 'This command line depends on a user-provided value.' },
      locations: [
        { physicalLocation: { artifactLocation: { uri: 'src/app.js' }, region: { startLine: 4 } } },
      ],
    },
  ],
  [
    {
      id: 'js/command-line-injection',
      properties: { 'security-severity': '9.8', tags: ['security', 'external/cwe/cwe-078'] },
    },
  ],
);
const empty = log('Trivy', []);
const broken = path.join(dir, 'broken.sarif');
writeFileSync(broken, JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] }));

function scanJson(args: string[]): { exitCode: number | null; report: JsonReport; stderr: string } {
  const run = runCli([
    'scan',
    workspace,
    '--no-evidence',
    '--no-progress',
    '--no-base',
    '--format',
    'json',
    ...args,
  ]);
  return {
    exitCode: run.exitCode,
    report: parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)'),
    stderr: run.stderr,
  };
}

describe('scan --sarif', () => {
  it('gates imported findings like the scanners’ own, with --scanners none using only them', () => {
    const { exitCode, report } = scanJson(['--scanners', 'none', '--sarif', eslint, codeql]);
    expect(report.scanners.map((s) => [s.id, s.status, s.findings])).toEqual([
      ['sarif-eslint', 'ok', 1],
      ['sarif-codeql', 'ok', 1],
    ]);
    const injection = report.findings.find((f) => f.ruleId === 'js/command-line-injection');
    expect(injection).toMatchObject({
      scanner: 'sarif-codeql',
      severity: 'critical',
      path: 'src/app.js',
      line: 4,
    });
    expect(injection?.cwe).toEqual(['CWE-78']);
    expect(injection?.criteria.length).toBeGreaterThan(0);
    expect(report.findings.find((f) => f.scanner === 'sarif-eslint')?.cwe).toEqual(['CWE-79']);
    // The critical command injection fails a blocking criterion.
    expect(report.decision).toBe('block');
    expect(exitCode).toBe(1);
  });

  it('reports an unusable log as a failed input naming the file and the JSON path; the others still count', () => {
    const { exitCode, report } = scanJson(['--scanners', 'none', '--sarif', empty, broken]);
    const failed = report.scanners.find((s) => s.status === 'failed');
    expect(failed?.error).toContain(broken);
    expect(failed?.error).toContain('$.runs[0].tool.driver.name');
    expect(report.scanners.find((s) => s.id === 'sarif-trivy')?.status).toBe('ok');
    // What the broken log stood for (vulnerability detection, CC7.1) is not evaluated: fail closed.
    expect(report.controls.find((c) => c.id === 'CC7.1')?.verdict).toBe('not-evaluated');
    expect(exitCode).toBe(2);
  });

  it('a missing file is a failed input, not a crash', () => {
    const { report } = scanJson(['--scanners', 'none', '--sarif', path.join(dir, 'nope.sarif'), empty]);
    expect(report.scanners.find((s) => s.status === 'failed')?.error).toMatch(/nope\.sarif.*no such file/);
  });

  it('--scanners none without --sarif is a usage error', () => {
    const run = runCli(['scan', workspace, '--scanners', 'none', '--no-evidence']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--scanners none leaves nothing to scan');
  });
});
