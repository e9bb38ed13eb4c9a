import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.ts';

describe('controlgate CLI usage', () => {
  it('documents scan and its exit codes in --help', () => {
    const run = runCli(['scan', '--help']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/--scanners <ids>/);
    expect(run.stdout).toMatch(/--format <format>/);
    expect(run.stdout).toMatch(
      /Exit codes \(in this precedence\):\n +2 +could not evaluate.*\n +1 +the change is blocked.*\n +0 +the change passes/,
    );
  });

  it('rejects an unknown format with exit 2 and names the allowed ones', () => {
    const run = runCli(['scan', '.', '--format', 'xml']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are text, json, sarif/);
  });

  it('rejects an unknown scanner id and lists the valid ids', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-cli-'));
    const run = runCli(['scan', dir, '--scanners', 'semgrep,trivy']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/unknown scanner "trivy"; valid scanners: semgrep, bandit, kics/);
  });

  it('rejects a path that does not exist', () => {
    const run = runCli(['scan', 'no/such/folder']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/path to scan does not exist: no\/such\/folder/);
  });

  it('names the file, key, line and bad value of a bad configuration', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-cli-'));
    await writeFile(path.join(dir, '.controlgate.yml'), 'scanners:\n  semgrep:\n    timeout: soon\n');
    const run = runCli(['scan', dir]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(path.join(dir, '.controlgate.yml'));
    expect(run.stderr).toMatch(/line 3: scanners\.semgrep\.timeout: .*number.*\(got "soon"\)/);
  });

  it('skips a scanner with no files to look at, saying so, and still exits 0', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-cli-'));
    await writeFile(path.join(dir, 'main.py'), 'print("hello")\n');
    const run = runCli(['scan', dir, '--scanners', 'bandit,kics', '--format', 'json', '--no-progress']);
    expect(run.exitCode).toBe(0);
    const report = JSON.parse(run.stdout) as {
      scanners: { id: string; status: string; error: string | null }[];
    };
    expect(report.scanners.find((s) => s.id === 'kics')).toMatchObject({ status: 'skipped' });
    expect(report.scanners.find((s) => s.id === 'kics')?.error).toMatch(/no files for KICS/);
    expect(report.scanners.find((s) => s.id === 'bandit')?.status).toBe('ok');
  });
});
