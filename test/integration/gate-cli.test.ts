import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../../src/config/load.ts';
import { runCli } from '../support/cli.ts';

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-gate-'));
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

const VULNERABLE_PY = 'import subprocess\nsubprocess.call(cmd, shell=True)\n';

describe('a broken .controlgate.yml stops everything with exit 2, naming key and line', () => {
  it.each([
    [
      'wrong type',
      'policy:\n  severity: 3\n',
      /line 2: policy\.severity: expected one of "critical", "high", "medium", "low", "info" \(got 3\)/,
    ],
    ['unknown key', 'scope: []\npolicyy:\n  mode: warn\n', /line 2: \(top level\): unknown key "policyy"/],
    ['bad glob', 'exclude:\n  - "src/[abc"\n', /line 2: exclude\[0\]: not a valid glob/],
    [
      'unknown criterion id',
      'policy:\n  CC61:\n    mode: warn\n',
      /line 2: policy\.CC61: unknown criterion or group id "CC61"/,
    ],
    [
      'unknown criterion in an override',
      'mapping:\n  - match: { rule: B105 }\n    add: [CC9.9]\n',
      /line 3: mapping\[0\]\.add\[0\]: expected one of "CC1\.1"/,
    ],
  ])('%s', async (_name, config, message) => {
    const dir = await workspace({ '.controlgate.yml': config, 'app.py': VULNERABLE_PY });
    const outDir = path.join(dir, 'out');
    const run = runCli(['scan', dir, '--scanners', 'bandit', '--out-dir', outDir, '--no-progress']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(path.join(dir, '.controlgate.yml'));
    expect(run.stderr).toMatch(message);
    expect(existsSync(outDir)).toBe(false); // no scanner ran, nothing was written
  });

  it('an invalid waivers file is also a configuration error', async () => {
    const dir = await workspace({
      'app.py': VULNERABLE_PY,
      '.controlgate-waivers.yml':
        'version: 1\nwaivers:\n  - rule: B602\n    path: "*.py"\n    approver: a@example.com\n    ticket: SEC-1\n    expires: 2026-12-31\n',
    });
    const run = runCli(['scan', dir, '--scanners', 'bandit', '--no-progress']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/\.controlgate-waivers\.yml/);
    expect(run.stderr).toMatch(/reason/);
  });
});

describe('the gate through the CLI, with real Bandit', () => {
  it('blocks with exit 1 on a high-severity finding, and passes once it is waived', async () => {
    const dir = await workspace({ 'app.py': VULNERABLE_PY });
    const blocked = runCli(['scan', dir, '--scanners', 'bandit', '--format', 'json', '--no-progress']);
    expect(blocked.exitCode).toBe(1);
    const report = JSON.parse(blocked.stdout) as {
      decision: string;
      findings: { ruleId: string; fingerprint: string }[];
    };
    expect(report.decision).toBe('block');
    const fp = report.findings.find((f) => f.ruleId === 'B602')?.fingerprint;
    expect(fp).toMatch(/^[0-9a-f]{32}$/);

    const expires = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    await writeFile(
      path.join(dir, '.controlgate-waivers.yml'),
      `version: 1\nwaivers:\n  - id: W-1\n    fingerprint: ${fp}\n    reason: The command is a constant in this test\n    approver: alice@example.com\n    ticket: SEC-42\n    expires: ${expires}\n  - id: W-2\n    rule: B999\n    path: "nothing/**"\n    reason: Matches nothing, so it is reported stale\n    approver: bob@example.com\n    ticket: SEC-43\n    expires: ${expires}\n`,
    );
    const waived = runCli(['scan', dir, '--scanners', 'bandit', '--format', 'json', '--no-progress']);
    const after = JSON.parse(waived.stdout) as {
      decision: string;
      waivers: { applied: { id: string; findings: string[] }[]; stale: { id: string }[] };
    };
    expect(after.waivers.applied).toEqual([expect.objectContaining({ id: 'W-1', findings: [fp] })]);
    expect(after.waivers.stale.map((w) => w.id)).toEqual(['W-2']);
    // B404 (import subprocess) is low: below the default threshold, so nothing else blocks.
    expect(after.decision).toBe('pass');
    expect(waived.exitCode).toBe(0);
  });

  it('controlgate explain says which mapping row and policy apply to a finding', async () => {
    const dir = await workspace({ 'app.py': VULNERABLE_PY });
    const run = runCli(['explain', 'bandit:B602', dir, '--scanners', 'bandit']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/bandit B602 at app\.py:2/);
    expect(run.stdout).toMatch(/mapping: decided by layer "rule"/);
    expect(run.stdout).toMatch(
      /CC7\.1 .*: fail \(block at high, set by default\); this finding counts against it/,
    );
  });

  it('controlgate explain <criterion> lists its policy, coverage and mapping rows without scanning', () => {
    const run = runCli(['explain', 'CC6.1']);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^CC6\.1 {2}/);
    expect(run.stdout).toMatch(/policy: block at high and above \(set by default\)/);
    expect(run.stdout).toMatch(/covered by: .*semgrep/);
    expect(run.stdout).toMatch(/rule {5}bandit B105/);
  });

  it('controlgate controls prints the inverse view and its markdown form matches docs/soc2-mapping.md', () => {
    const text = runCli(['controls']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/^CC1\.1 .*\[process control: no scanner\]$/m);
    const markdown = runCli(['controls', '--markdown']);
    expect(markdown.stdout).toBe(readFileSync(path.resolve('docs/soc2-mapping.md'), 'utf8'));
  });

  it('controlgate init writes a starter file that is valid, and will not overwrite it', async () => {
    const dir = await workspace({});
    expect(runCli(['init', dir]).exitCode).toBe(0);
    const text = readFileSync(path.join(dir, '.controlgate.yml'), 'utf8');
    expect(parse(text)).toMatchObject({ version: 1, policy: { mode: 'block' } });
    expect(() => parseConfig(text, 'starter')).not.toThrow();
    const again = runCli(['init', dir]);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/already exists; pass --force/);
  });
});
