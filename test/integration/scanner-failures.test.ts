import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type JsonReport, parseJsonReport } from '../../src/report/json-report-schema.ts';
import { type CliRun, runCli } from '../support/cli.ts';

/*
 * Broken scanners, for real: processes that hang (with a child of their own), crash, die by a signal,
 * or write corrupt or invalid SARIF, next to a real Bandit run. Each must end up `failed` with its
 * cause, Bandit's findings must be intact, and the exit code must say "could not evaluate".
 */

const SCRIPTS: Record<string, string> = {
  'hang.mjs': `
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const child = spawn('sleep', ['300'], { stdio: 'ignore' });
writeFileSync(process.argv[2], String(child.pid));
setInterval(() => {}, 1000);
`,
  'garbage.mjs': `
import { writeFileSync } from 'node:fs';
writeFileSync(process.argv[2], '{"version": "2.1.0", "runs": [ {garbage');
console.log('this is not SARIF either');
`,
  'invalid.mjs': `
import { writeFileSync } from 'node:fs';
writeFileSync(process.argv[2], JSON.stringify({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] }));
`,
  'crash.mjs': `
process.stderr.write('x'.repeat(100000) + '\\nboom: the scanner fell over\\n');
process.exit(3);
`,
  'selfkill.mjs': `
process.kill(process.pid, 'SIGKILL');
`,
};

/** Running or sleeping; a zombie (killed, waiting for init to reap it) counts as gone. */
function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

describe('scanners that are missing, hang, crash or write bad SARIF', () => {
  let dir: string;
  let run: CliRun;
  let report: JsonReport;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-faults-'));
    for (const [name, body] of Object.entries(SCRIPTS)) await writeFile(path.join(dir, name), body);
    await writeFile(path.join(dir, 'app.py'), 'import subprocess\nsubprocess.call(cmd, shell=True)\n');
    const custom = (id: string, script: string, extra: Record<string, unknown> = {}) => ({
      id,
      command: process.execPath,
      args: [path.join(dir, script), '{sarif}'],
      sarif: '{outDir}/out.sarif',
      ...extra,
    });
    const config = {
      scanners: {
        custom: [
          custom('hang', 'hang.mjs', {
            args: [path.join(dir, 'hang.mjs'), path.join(dir, 'child.pid')],
            timeout: 2,
          }),
          custom('garbage', 'garbage.mjs'),
          custom('invalid', 'invalid.mjs'),
          custom('crash', 'crash.mjs'),
          custom('selfkill', 'selfkill.mjs'),
          { id: 'absent', command: path.join(dir, 'no-such-tool'), args: [] },
        ],
      },
    };
    await writeFile(path.join(dir, '.controlgate.yml'), JSON.stringify(config, null, 2));
    run = runCli(
      [
        'scan',
        dir,
        '--format',
        'json',
        '--no-progress',
        '--scanners',
        'semgrep,bandit,hang,garbage,invalid,crash,selfkill,absent',
      ],
      { env: { CONTROLGATE_SEMGREP_BIN: path.join(dir, 'missing', 'semgrep') } },
    );
    report = parseJsonReport(run.stdout, 'controlgate scan --format json (stdout)');
  });

  const scanner = (id: string) => report.scanners.find((s) => s.id === id);

  it('exits 2 (could not evaluate) and says which scanners failed', () => {
    expect(run.exitCode).toBe(2);
    expect(report.evaluated).toBe(false);
  });

  it('keeps the working scanner’s findings intact', () => {
    expect(scanner('bandit')?.status).toBe('ok');
    expect(report.findings.some((f) => f.scanner === 'bandit' && f.ruleId === 'B602')).toBe(true);
  });

  it('reports a missing built-in scanner with where it looked', () => {
    expect(scanner('semgrep')?.status).toBe('failed');
    expect(scanner('semgrep')?.error).toMatch(/not available: .*semgrep.* not found/);
  });

  it('reports a missing custom command', () => {
    expect(scanner('absent')?.status).toBe('failed');
    expect(scanner('absent')?.error).toMatch(/no-such-tool not found/);
  });

  it('kills a hanging scanner and its children at the timeout', () => {
    expect(scanner('hang')?.status).toBe('failed');
    expect(scanner('hang')?.error).toMatch(/timed out after 2 s/);
    const childPid = Number(readFileSync(path.join(dir, 'child.pid'), 'utf8'));
    expect(childPid).toBeGreaterThan(0);
    expect(isAlive(childPid)).toBe(false);
  });

  it('names the file and the problem for corrupt SARIF', () => {
    const s = scanner('garbage');
    expect(s?.status).toBe('failed');
    expect(s?.error).toContain(path.join('garbage', 'out.sarif'));
    expect(s?.error).toMatch(/invalid JSON/);
  });

  it('names the JSON path for structurally invalid SARIF', () => {
    expect(scanner('invalid')?.status).toBe('failed');
    expect(scanner('invalid')?.error).toContain('$.runs[0].tool.driver.name');
  });

  it('reports a crash with its exit code and the tail of stderr, bounded', () => {
    const s = scanner('crash');
    expect(s?.status).toBe('failed');
    expect(s?.error).toMatch(/exited with 3: boom: the scanner fell over/);
    expect(s?.stderrTail?.length ?? 0).toBeLessThanOrEqual(4_100);
  });

  it('reports a scanner killed by a signal', () => {
    expect(scanner('selfkill')?.status).toBe('failed');
    expect(scanner('selfkill')?.error).toMatch(/killed by SIGKILL/);
  });

  it('still writes the failed scanners into the text summary as not evaluated', () => {
    const text = runCli(['scan', dir, '--no-progress', '--scanners', 'bandit,crash']);
    // crash covers only CC7.1 (the default for custom scanners), which Bandit's B602 already fails:
    // nothing blocking is left unevaluated, so this is a plain block (1), not "could not evaluate" (2).
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/FAILED +crash/);
    expect(text.stdout).toMatch(/NOT EVALUATED: crash failed/);
    expect(existsSync(path.join(dir, 'app.py'))).toBe(true);
  });
});
