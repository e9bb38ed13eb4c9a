import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

/*
 * Two runs on the same tree write the same findings in the same order. KICS writes its results in
 * an order that varies from run to run (the same 72 results on the example app, shuffled), and an
 * auditor comparing two bundles, or a reviewer diffing two reports, must not see differences that
 * are not there.
 */

const scratch = mkdtempSync(path.join(os.tmpdir(), 'cg-deterministic-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Finding {
  scanner: string;
  path: string;
  line: number;
}

interface Outputs {
  findings: Finding[];
  results: unknown[][];
}

function scan(name: string): Outputs {
  const out = path.join(scratch, name);
  const run = runCli(
    ['scan', 'examples/vulnerable-app', '--scanners', 'kics,semgrep', '--out-dir', out, '--no-progress'],
    { env: { SOURCE_DATE_EPOCH: '1767225600' } },
  );
  expect(run.exitCode, run.stderr).toBe(1);
  const report = JSON.parse(readFileSync(path.join(out, 'controlgate.json'), 'utf8')) as {
    findings: Finding[];
  };
  const merged = JSON.parse(readFileSync(path.join(out, 'controlgate.sarif'), 'utf8')) as {
    runs: { results: unknown[] }[];
  };
  return { findings: report.findings, results: merged.runs.map((r) => r.results) };
}

describe('the same tree, scanned twice', () => {
  // Two full scans of the example app with the three scanners: minutes on a busy 2-core machine.
  it('gives the same findings in the same order, in the report and the merged SARIF', {
    timeout: 900_000,
  }, () => {
    const first = scan('one');
    const second = scan('two');
    expect(first.findings.length).toBeGreaterThan(10);
    expect(second.findings).toEqual(first.findings);
    expect(second.results).toEqual(first.results);
    // File order: by path, then line.
    const keys = first.findings
      .filter((f) => f.scanner === 'kics')
      .map((f) => `${f.path}\u0000${String(f.line).padStart(6, '0')}`);
    expect(keys).toEqual([...keys].sort());
  });
});
