import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import semgrepPin from '../../scanners/semgrep/pin.json' with { type: 'json' };
import { runCli } from '../support/cli.ts';

/*
 * `controlgate scanners install <ids>` as a real process, in a scratch tools folder, with a PATH of
 * stand-ins: a Semgrep at the pinned version (so nothing is downloaded) and a `go` that records being
 * called and fails. Building KICS starts with `go`, so an untouched log means KICS was left alone.
 */
describe('controlgate scanners install <ids>', () => {
  let scratch: string;
  let tools: string;
  let goLog: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-install-cli-'));
    const bin = path.join(scratch, 'bin');
    tools = path.join(scratch, 'tools');
    goLog = path.join(scratch, 'go-calls.log');
    await mkdir(bin);
    await writeFile(path.join(bin, 'go'), `#!/bin/sh\necho "$@" >> '${goLog}'\nexit 1\n`, { mode: 0o755 });
    await writeFile(path.join(bin, 'semgrep'), `#!/bin/sh\necho ${semgrepPin.version}\n`, { mode: 0o755 });
    env = {
      PATH: bin,
      CONTROLGATE_TOOLS_DIR: tools,
      CONTROLGATE_GO: path.join(bin, 'go'),
      CONTROLGATE_PYTHON: path.join(bin, 'no-python-here'),
    };
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('installs only Semgrep when asked for Semgrep: KICS is never built', () => {
    const run = runCli(['scanners', 'install', 'semgrep'], { env });
    expect(run.exitCode, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(
      `semgrep ${semgrepPin.version}: using the one on PATH at ${path.join(scratch, 'bin', 'semgrep')}`,
    );
    expect(existsSync(goLog)).toBe(false);
    expect(existsSync(path.join(tools, 'kics'))).toBe(false);
  });

  it('would have built KICS without the ids: the stand-in go is called then', () => {
    const run = runCli(['scanners', 'install'], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stdout).toMatch(/^kics: FAILED/m);
    expect(existsSync(goLog)).toBe(true);
  });

  it('rejects an unknown id with exit 2 before installing anything, listing the valid ones', () => {
    const run = runCli(['scanners', 'install', 'semgrep,trivy'], { env });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/unknown scanner "trivy"; valid scanners: semgrep, bandit, kics/);
    expect(run.stdout).toBe('');
  });
});
