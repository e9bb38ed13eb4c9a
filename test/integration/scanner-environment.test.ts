import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseJsonReport } from '../../src/report/json-report-schema.ts';
import { runCli } from '../support/cli.ts';

/*
 * What a scanner sees of the job's environment, asked of a real process: a custom scanner that
 * reports the names of its variables as a finding. A CI job holds tokens and runtime URLs under
 * names nobody can list in advance, so scanners get an allow-list, not a deny-list.
 */

const ENV_DUMP = `import json, os, sys
names = sorted(os.environ)
log = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "envdump", "rules": [{"id": "env"}]}},
  "results": [{"ruleId": "env", "level": "note", "message": {"text": " ".join(names)},
  "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app.py"}, "region": {"startLine": 1}}}]}]}]}
open(sys.argv[1], "w").write(json.dumps(log))
`;

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function seenBy(config: string, env: NodeJS.ProcessEnv): string[] {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'controlgate-env-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'app.py'), 'print(1)\n');
  writeFileSync(path.join(dir, 'envdump.py'), ENV_DUMP);
  writeFileSync(path.join(dir, '.controlgate.yml'), config);
  const run = runCli(['scan', dir, '--format', 'json', '--no-evidence', '--no-progress'], { env });
  expect(run.exitCode, run.stderr).not.toBe(2);
  const report = parseJsonReport(run.stdout, 'stdout');
  return (report.findings[0]?.message ?? '').split(' ');
}

const CONFIG = (env: string) => `scanners:
  semgrep: { enabled: false }
  bandit: { enabled: false }
  kics: { enabled: false }
  custom:
    - id: envdump
      command: python3
      args: ["{root}/envdump.py", "{sarif}"]
      sarif: "{outDir}/out.sarif"
      covers: [CC7.1]${env}
`;

const JOB = {
  ACTIONS_RUNTIME_URL: 'https://pipelines.example/runtime/',
  ACTIONS_ID_TOKEN_REQUEST_URL: 'https://id.example/',
  CI_JOB_JWT_V2: 'header.payload.signature',
  DATABASE_URL: 'postgres://user:hunter2@db/app',
  GITHUB_TOKEN: 'ghs_notarealtoken',
  LINT_LEVEL: 'strict',
  LC_ALL: 'C.UTF-8',
};

describe('the environment a scanner runs with', () => {
  it('holds the basics and nothing else of the job: no runtime URLs, no tokens, no other variables', () => {
    const names = seenBy(CONFIG(''), JOB);
    expect(names).toContain('PATH');
    expect(names).toContain('HOME');
    expect(names).toContain('LC_ALL');
    for (const hidden of Object.keys(JOB).filter((n) => n !== 'LC_ALL')) expect(names).not.toContain(hidden);
  });

  it('passes what the scanner declares, but never a credential-looking name', () => {
    const names = seenBy(CONFIG('\n      env: [LINT_LEVEL, DATABASE_URL, GITHUB_TOKEN, "ACTIONS_*"]'), JOB);
    expect(names).toEqual(expect.arrayContaining(['LINT_LEVEL', 'DATABASE_URL', 'ACTIONS_RUNTIME_URL']));
    expect(names).not.toContain('GITHUB_TOKEN');
    expect(names).not.toContain('ACTIONS_ID_TOKEN_REQUEST_URL');
    expect(names).not.toContain('CI_JOB_JWT_V2');
  });
});
