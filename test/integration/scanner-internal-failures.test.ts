import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { type CliRun, runCli } from '../support/cli.ts';

/*
 * Scanners that exit normally but could not judge a file, for real: Bandit on a Python 3.12-only
 * f-string its 3.11 parser rejects, Semgrep whose rules time out on a large file, KICS on files it
 * cannot parse or skips for its size. Each tool says so only in its own error channel; none may end
 * as a pass, and the coverage ledger names each file.
 */

interface Scan {
  run: CliRun;
  report: JsonReport;
}

async function scan(files: Record<string, string>, scanners: string, config: object = {}): Promise<Scan> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-unjudged-'));
  for (const [name, body] of Object.entries(files)) await writeFile(path.join(dir, name), body);
  await writeFile(path.join(dir, '.controlgate.yml'), JSON.stringify(config));
  const run = runCli(['scan', dir, '--format', 'json', '--no-progress', '--scanners', scanners]);
  return { run, report: parseJsonReport(run.stdout, `controlgate scan ${scanners}`) };
}

/** The ledger's entry for a path; a path missing from it is an error. */
function ledgerEntry(report: JsonReport, file: string) {
  const entry = report.coverage?.files.find((e) => e.path === file);
  if (!entry) throw new Error(`${file} is not in the coverage ledger`);
  return entry;
}

/** The criteria a scanner covers are all not evaluated (or failed by findings), never passed. */
function expectNotPassed(report: JsonReport, id: string): void {
  const covered = report.controls.filter((c) => c.coveredBy.includes(id));
  expect(covered.length).toBeGreaterThan(0);
  expect(covered.filter((c) => c.verdict === 'pass').map((c) => c.id)).toEqual([]);
  expect(
    covered.some((c) => c.verdict === 'not-evaluated' && c.failedScanners.includes(id) && c.blocking),
  ).toBe(true);
}

// A Python 3.12 f-string (same quotes nested): Bandit's Python 3.11 cannot parse it, so it skips the file.
const PY312 = 'import os\nx = {"a": 1}\nprint(f"{x["a"]}")\nos.system(input())\n';

describe('Bandit on a file its interpreter cannot parse', () => {
  let both: Scan;
  let only: Scan;
  beforeAll(async () => {
    both = await scan(
      { 'new.py': PY312, 'old.py': 'import subprocess\nsubprocess.call(cmd, shell=True)\n' },
      'bandit',
    );
    only = await scan({ 'new.py': PY312 }, 'bandit');
  });

  it('names the file and Bandit’s reason, and the gate cannot evaluate (exit 2)', () => {
    const bandit = both.report.scanners.find((s) => s.id === 'bandit');
    expect(bandit?.status).toBe('ok');
    expect(bandit?.unjudged).toEqual([
      { path: 'new.py', reason: 'syntax error while parsing AST from file' },
    ]);
    expect(both.run.exitCode).toBe(2);
    expect(both.report.evaluated).toBe(false);
    expect(ledgerEntry(both.report, 'new.py')).toMatchObject({
      state: 'not-judged',
      notJudgedBy: [{ scanner: 'bandit', reason: 'syntax error while parsing AST from file' }],
    });
    expect(ledgerEntry(both.report, 'old.py')).toMatchObject({ state: 'judged', judgedBy: ['bandit'] });
    expectNotPassed(both.report, 'bandit');
    // The file it could judge keeps its findings.
    expect(both.report.findings.some((f) => f.ruleId === 'B602' && f.path === 'old.py')).toBe(true);
  });

  it('fails the scanner when it could judge none of its files', () => {
    const bandit = only.report.scanners.find((s) => s.id === 'bandit');
    expect(bandit?.status).toBe('failed');
    expect(bandit?.error).toMatch(/could judge none of the 1 file .*new\.py: syntax error/);
    expect(only.run.exitCode).toBe(2);
    expectNotPassed(only.report, 'bandit');
  });
});

/** A JavaScript file with command and SQL injection, repeated until Semgrep's rules take seconds on it. */
function largeJs(routes: number): string {
  const lines = ["const { exec } = require('child_process');", "const app = require('express')();"];
  for (let i = 0; i < routes; i++) {
    lines.push(
      `app.get('/r${i}', (req, res) => { exec('ls ' + req.query.d${i}); db.query('SELECT * FROM t WHERE id = ' + req.query.id${i}); res.send('ok'); });`,
    );
  }
  return `${lines.join('\n')}\n`;
}

describe('Semgrep whose rules time out on a large file', () => {
  let result: Scan;
  beforeAll(async () => {
    // A 1 s rule time-out (the config's args reach Semgrep's command line) makes the time-out certain.
    result = await scan({ 'big.js': largeJs(60_000) }, 'semgrep', {
      scanners: { semgrep: { args: ['--timeout', '1'] } },
    });
  });

  it('names the file and the rule that timed out, and never passes', () => {
    const semgrep = result.report.scanners.find((s) => s.id === 'semgrep');
    const big = semgrep?.unjudged?.find((u) => u.path === 'big.js');
    expect(big?.reason).toMatch(/^rule controlgate\.[\w.-]+ timed out/);
    expect(ledgerEntry(result.report, 'big.js')).toMatchObject({
      state: 'not-judged',
      notJudgedBy: [{ scanner: 'semgrep', reason: expect.stringMatching(/timed out/) }],
    });
    expect(result.run.exitCode).toBe(2);
    expectNotPassed(result.report, 'semgrep');
  });
});

/** A Terraform file over KICS's 5 MB limit, with a public bucket at its end. */
const LARGE_TF = `${'# padding\n'.repeat(600_000)}resource "aws_s3_bucket" "big" {\n  bucket = "x"\n  acl = "public-read"\n}\n`;

describe('KICS on files it cannot parse, and on one over its size limit', () => {
  let result: Scan;
  beforeAll(async () => {
    result = await scan(
      {
        'good.tf': 'resource "aws_s3_bucket" "b" {\n  bucket = "my-bucket"\n  acl    = "public-read"\n}\n',
        'bad.tf': 'resource "aws_s3_bucket" "c" {\n  bucket = "x"\n  acl = "public-read"\n',
        'big.tf': LARGE_TF,
      },
      'kics',
    );
  }, 900_000);

  it('names the file it could not parse and the one it skipped for its size; the gate cannot evaluate', () => {
    const kics = result.report.scanners.find((s) => s.id === 'kics');
    expect(kics?.status).toBe('ok');
    expect(kics?.unjudged?.map((u) => u.path).sort()).toEqual(['bad.tf', 'big.tf']);
    expect(kics?.unjudged?.find((u) => u.path === 'bad.tf')?.reason).toMatch(
      /KICS could not parse it: .*Unclosed configuration block/,
    );
    expect(ledgerEntry(result.report, 'big.tf')).toMatchObject({
      state: 'not-judged',
      notJudgedBy: [
        {
          scanner: 'kics',
          reason: "too large: 6.0 MB, over KICS's limit of 5 MB, so it was not given to KICS",
        },
      ],
    });
    expect(ledgerEntry(result.report, 'good.tf')).toMatchObject({ state: 'judged', judgedBy: ['kics'] });
    expect(result.run.exitCode).toBe(2);
    expect(
      result.report.controls.some(
        (c) => c.verdict === 'not-evaluated' && c.failedScanners.includes('kics') && c.blocking,
      ),
    ).toBe(true);
  });
});
