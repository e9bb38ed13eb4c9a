import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { banditInVenv } from '../../../scanners/bandit/install.ts';
import { scannerRegistry } from '../../../scanners/index.ts';
import { installScanners } from '../../../scanners/install.ts';
import { semgrepInVenv } from '../../../scanners/semgrep/install.ts';
import { UnknownScannerError } from '../../../src/errors.ts';
import type { Exec, ExecRequest } from '../../../src/exec/exec.ts';
import { describeOutcome } from '../../../src/install/log.ts';
import { execResult } from '../../support/exec-result.ts';

const env = {
  PATH: '',
  CONTROLGATE_PYTHON: '/opt/python-of-this-test/bin/python3',
  CONTROLGATE_GO: '/opt/go-of-this-test/bin/go',
};

describe('installScanners', () => {
  let tools: string;
  let calls: ExecRequest[];
  beforeEach(async () => {
    tools = await mkdtemp(path.join(os.tmpdir(), 'controlgate-install-'));
    calls = [];
  });
  afterEach(async () => {
    await rm(tools, { recursive: true, force: true });
  });

  /**
   * Stands in for python, pip and go: python makes a venv and pip "installs" the programs where a
   * real venv has them; go fails, as it would without network. Every request is recorded.
   */
  function fakeTools(options: { pipFails?: boolean } = {}): Exec {
    return async (request) => {
      calls.push(request);
      const venv = path.join(tools, 'venv');
      if (request.file === env.CONTROLGATE_GO && request.args[0] === 'version') {
        return execResult({ stdout: 'go version go1.26.2 linux/amd64\n' });
      }
      if (request.file === env.CONTROLGATE_GO)
        return execResult({ exitCode: 1, stderrTail: 'no network here' });
      if (request.args.includes('venv')) {
        await mkdir(path.join(venv, 'bin'), { recursive: true });
        await writeFile(path.join(venv, 'bin', 'python'), '#!/bin/sh\n', { mode: 0o755 });
      }
      if (request.args.includes('install')) {
        if (options.pipFails) return execResult({ exitCode: 1, stderrTail: 'pip: no index' });
        const core = path.join(venv, 'lib', 'python3.11', 'site-packages', 'semgrep', 'bin');
        await mkdir(core, { recursive: true });
        for (const file of [
          path.join(core, 'semgrep-core'),
          ...['semgrep', 'bandit'].map((t) => path.join(venv, 'bin', t)),
        ])
          await writeFile(file, '#!/bin/sh\n', { mode: 0o755 });
      }
      if (request.args[0] === '--version') {
        return execResult({
          stdout: request.file.endsWith('semgrep')
            ? `${semgrepInVenv.pin.version}\n`
            : `bandit ${banditInVenv.pin.version}\n`,
        });
      }
      return execResult();
    };
  }

  const goCalls = () => calls.filter((c) => c.file === env.CONTROLGATE_GO && c.args[0] !== 'version');
  const pipInstalls = () => calls.filter((c) => c.args.includes('install'));

  it('installs only what a Semgrep-only selection needs: the Python recipe, never the KICS build', async () => {
    const outcomes = await installScanners(fakeTools(), tools, () => {}, ['semgrep'], { env });
    expect(outcomes.map((o) => [o.tool, o.action])).toEqual([['semgrep', 'installed']]);
    expect(pipInstalls()).toHaveLength(1);
    expect(goCalls()).toEqual([]);
    expect(existsSync(path.join(tools, 'kics'))).toBe(false);
  });

  it('installs every built-in without ids, the venv Semgrep and Bandit share once', async () => {
    const outcomes = await installScanners(fakeTools(), tools, () => {}, undefined, { env });
    expect(outcomes.map((o) => [o.tool, o.action])).toEqual([
      ['semgrep', 'installed'],
      ['bandit', 'installed'],
      ['kics', 'failed'],
      ['gitleaks', 'failed'],
      ['osv-scanner', 'failed'],
    ]);
    expect(outcomes[2]?.detail).toMatch(/go mod download github\.com\/Checkmarx\/kics\/v2@v.* failed/);
    expect(outcomes[4]?.detail).toMatch(/go mod download github\.com\/google\/osv-scanner\/v2@v.* failed/);
    expect(pipInstalls()).toHaveLength(1);
    expect(goCalls()[0]?.args.slice(0, 2)).toEqual(['mod', 'download']);
  });

  it('asks for each scanner once, whatever the order or repetition of the ids', async () => {
    const outcomes = await installScanners(fakeTools(), tools, () => {}, ['bandit', 'semgrep', 'bandit'], {
      env,
    });
    expect(outcomes.map((o) => o.tool)).toEqual(['bandit', 'semgrep']);
    expect(pipInstalls()).toHaveLength(1);
    expect(goCalls()).toEqual([]);
  });

  it('refuses unknown ids with an UnknownScannerError before anything runs', async () => {
    const install = installScanners(fakeTools(), tools, () => {}, ['semgrep', 'trivy'], { env });
    await expect(install).rejects.toBeInstanceOf(UnknownScannerError);
    await expect(install).rejects.toMatchObject({
      unknown: ['trivy'],
      valid: ['semgrep', 'bandit', 'kics', 'gitleaks', 'osv-scanner'],
    });
    expect(calls).toEqual([]);
  });

  it('has nothing to install for a scanner without a recipe (a custom command)', async () => {
    const registry = scannerRegistry([
      {
        id: 'trivy',
        command: 'trivy',
        args: [],
        sarif: 'stdout',
        cleanExitCodes: [0],
        findingsExitCodes: [1],
      },
    ]);
    const outcomes = await installScanners(fakeTools(), tools, () => {}, ['trivy'], { env, registry });
    expect(outcomes).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('reports a failed shared install as a failure of each selected scanner that shares it', async () => {
    const outcomes = await installScanners(
      fakeTools({ pipFails: true }),
      tools,
      () => {},
      ['bandit', 'semgrep'],
      {
        env,
      },
    );
    expect(outcomes.map((o) => [o.tool, o.action])).toEqual([
      ['bandit', 'failed'],
      ['semgrep', 'failed'],
    ]);
    expect(outcomes[0]?.detail).toMatch(/pip install from scanners\/python-scanners\.lock failed/);
  });
});

describe('describeOutcome', () => {
  it('says what happened, which version, where and how long, with the detail of a failure indented', () => {
    expect(
      describeOutcome({
        tool: 'kics',
        action: 'installed',
        version: '2.2.0',
        location: '/t/kics/kics',
        seconds: 161,
      }),
    ).toBe('kics 2.2.0: installed at /t/kics/kics (2 min 41 s)');
    expect(describeOutcome({ tool: 'semgrep', action: 'failed', seconds: 0.25, detail: 'a\nb' })).toBe(
      'semgrep: FAILED (0.3 s)\n    a\n    b',
    );
  });
});
