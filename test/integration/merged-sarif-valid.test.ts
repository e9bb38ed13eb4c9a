import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { REPO_ROOT } from '../support/cli.ts';

interface ValidationLog {
  runs: { results?: { level?: string; ruleId?: string; message?: { text?: string } }[] }[];
}

describe('merged SARIF', () => {
  const { outDir } = inject('exampleScan');

  it.each([
    ['--out-dir controlgate.sarif', 'controlgate.sarif'],
    ['the evidence bundle’s merged.sarif', path.join('evidence', 'sarif', 'merged.sarif')],
  ])('%s passes @microsoft/sarif-multitool validate with no errors', (_name, file) => {
    const output = path.join(outDir, `validation-${path.basename(file)}.json`);
    const tool = path.join(REPO_ROOT, 'node_modules', '.bin', 'sarif-multitool');
    const run = spawnSync(
      tool,
      ['validate', path.join(outDir, file), '--output', output, '--log', 'ForceOverwrite'],
      {
        encoding: 'utf8',
        env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      },
    );
    expect(run.error).toBeUndefined();
    const validation = JSON.parse(readFileSync(output, 'utf8')) as ValidationLog;
    const errors = validation.runs.flatMap((r) => r.results ?? []).filter((r) => r.level === 'error');
    expect(errors.map((e) => `${e.ruleId}: ${e.message?.text}`)).toEqual([]);
    expect(run.status).toBe(0);
  });
});
