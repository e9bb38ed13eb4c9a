import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CommandScannerDefinition, commandScanner } from '../../../../scanners/command/plugin.ts';
import type { PlanContext } from '../../../../scanners/types.ts';
import { ToolMissingError } from '../../../../src/errors.ts';
import type { Exec, ExecRequest } from '../../../../src/exec/exec.ts';
import { execResult } from '../../../support/exec-result.ts';

const ROOT = path.resolve('/repo');
const OUT = path.join(ROOT, '.out', 'trivy');
const abs = (...parts: string[]) => path.join(ROOT, ...parts);

function definition(overrides: Partial<CommandScannerDefinition> = {}): CommandScannerDefinition {
  return {
    id: 'trivy',
    command: 'trivy',
    args: ['fs', '--format', 'sarif', '--output', '{sarif}', '{target}'],
    sarif: '{outDir}/trivy.sarif',
    cleanExitCodes: [0],
    findingsExitCodes: [1],
    ...overrides,
  };
}

function context(files: string[] = [], extraArgs: string[] = []): PlanContext {
  return {
    root: ROOT,
    target: abs('services'),
    files,
    outDir: OUT,
    tool: { command: '/usr/bin/trivy', version: '0.60.0', source: 'configured' },
    options: { timeoutSeconds: 900, extraArgs },
  };
}

describe('commandScanner: identity', () => {
  it('uses the id as display name unless one is given', () => {
    expect(commandScanner(definition()).displayName).toBe('trivy');
    expect(commandScanner(definition({ displayName: 'Trivy FS' })).displayName).toBe('Trivy FS');
  });
});

describe('commandScanner.plan: placeholders', () => {
  it('expands {sarif}, {outDir}, {target} and {root}', () => {
    const scanner = commandScanner(
      definition({ args: ['--out={sarif}', '--dir', '{outDir}', '{target}', '--base={root}/src'] }),
    );
    const planned = scanner.plan(context());
    const sarif = path.join(OUT, 'trivy.sarif');
    expect(planned.args).toEqual([`--out=${sarif}`, '--dir', OUT, abs('services'), `--base=${ROOT}/src`]);
    expect(planned.sarifPath).toBe(sarif);
  });

  it('expands a placeholder used twice in one argument', () => {
    const planned = commandScanner(definition({ args: ['{root}:{root}'] })).plan(context());
    expect(planned.args).toEqual([`${ROOT}:${ROOT}`]);
  });

  it('expands {files} to one argument per file, in place', () => {
    const files = [abs('a.py'), abs('dir with space', 'b.py')];
    const planned = commandScanner(definition({ args: ['scan', '{files}', '--end'] })).plan(context(files));
    expect(planned.args).toEqual(['scan', ...files, '--end']);
  });

  it('expands {files} to nothing when there are no files', () => {
    const planned = commandScanner(definition({ args: ['scan', '{files}'] })).plan(context([]));
    expect(planned.args).toEqual(['scan']);
  });

  it('leaves a {files} inside a longer argument as text, not a file list', () => {
    const planned = commandScanner(definition({ args: ['--list={files}'] })).plan(context([abs('a.py')]));
    expect(planned.args).toEqual(['--list={files}']);
  });

  it('appends the configured extra args last', () => {
    const planned = commandScanner(definition({ args: ['scan'] })).plan(context([], ['--quiet']));
    expect(planned.args).toEqual(['scan', '--quiet']);
  });
});

describe('commandScanner.plan: command and SARIF location', () => {
  it('runs the located command from the root, never a shell', () => {
    const planned = commandScanner(definition()).plan(context());
    expect(planned.file).toBe('/usr/bin/trivy');
    expect(planned.cwd).toBe(ROOT);
    expect(planned).not.toHaveProperty('shell');
  });

  it('resolves a relative sarif path against the root', () => {
    const planned = commandScanner(definition({ sarif: 'reports/out.sarif' })).plan(context());
    expect(planned.sarifPath).toBe(abs('reports', 'out.sarif'));
  });

  it('gives no sarifPath when the tool prints SARIF on stdout', () => {
    const planned = commandScanner(definition({ sarif: 'stdout', args: ['--format', 'sarif'] })).plan(
      context(),
    );
    expect(planned.sarifPath).toBeUndefined();
    expect(planned).not.toHaveProperty('sarifPath');
  });
});

describe('commandScanner.selectFiles', () => {
  it('keeps all text files when no include globs are set', () => {
    const files = [abs('a.py'), abs('logo.png'), abs('b.tf'), abs('yarn.lock')];
    expect(commandScanner(definition()).selectFiles(files, ROOT)).toEqual([abs('a.py'), abs('b.tf')]);
  });

  it('filters by include globs relative to the root', () => {
    const scanner = commandScanner(definition({ include: ['infra/**/*.tf', '*.yaml'] }));
    const files = [
      abs('infra', 'main.tf'),
      abs('infra', 'mod', 'x.tf'),
      abs('other', 'y.tf'),
      abs('k.yaml'),
      abs('d', 'k.yaml'),
    ];
    expect(scanner.selectFiles(files, ROOT)).toEqual([
      abs('infra', 'main.tf'),
      abs('infra', 'mod', 'x.tf'),
      abs('k.yaml'),
    ]);
  });

  it('matches include globs against dot folders', () => {
    const scanner = commandScanner(definition({ include: ['**/*.yml'] }));
    const file = abs('.github', 'workflows', 'ci.yml');
    expect(scanner.selectFiles([file], ROOT)).toEqual([file]);
  });

  it('never includes binary files, even when a glob matches them', () => {
    const scanner = commandScanner(definition({ include: ['**/*'] }));
    expect(scanner.selectFiles([abs('img', 'a.png')], ROOT)).toEqual([]);
  });
});

describe('commandScanner.interpretExit', () => {
  it('uses the default sets: 0 clean, 1 findings, anything else an error', () => {
    const scanner = commandScanner(definition());
    expect(scanner.interpretExit(0)).toBe('clean');
    expect(scanner.interpretExit(1)).toBe('findings');
    expect(scanner.interpretExit(2)).toBe('error');
  });

  it('uses configured exit code sets', () => {
    const scanner = commandScanner(definition({ cleanExitCodes: [0, 3], findingsExitCodes: [10, 11] }));
    expect(scanner.interpretExit(3)).toBe('clean');
    expect(scanner.interpretExit(10)).toBe('findings');
    expect(scanner.interpretExit(11)).toBe('findings');
    expect(scanner.interpretExit(1)).toBe('error');
  });
});

describe('commandScanner.locate', () => {
  let dir: string;
  let tool: string;
  const calls: ExecRequest[] = [];
  const fakeExec: Exec = async (request) => {
    calls.push(request);
    return execResult({ stdout: 'Version: 0.61.1\nbuilt today\n' });
  };
  const failingExec: Exec = async () => {
    throw new Error('exec must not be called');
  };

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-cmd-'));
    tool = path.join(dir, 'mytool');
    await writeFile(tool, '#!/bin/sh\nexit 0\n');
    await chmod(tool, 0o755);
    await writeFile(path.join(dir, 'notexec'), 'data');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('throws ToolMissingError naming the scanner and command when it is not on PATH', async () => {
    const scanner = commandScanner(definition({ command: 'definitely-not-a-real-tool' }));
    const error = await scanner
      .locate({ exec: failingExec, toolsDir: dir, env: { PATH: dir } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ToolMissingError);
    expect((error as Error).message).toContain('"trivy"');
    expect((error as Error).message).toContain('definitely-not-a-real-tool');
  });

  it('throws ToolMissingError for a missing absolute path', async () => {
    const missing = path.join(dir, 'missing-tool');
    const scanner = commandScanner(definition({ command: missing }));
    await expect(scanner.locate({ exec: failingExec, toolsDir: dir, env: {} })).rejects.toBeInstanceOf(
      ToolMissingError,
    );
  });

  it('throws ToolMissingError for a file that is not executable', async () => {
    const scanner = commandScanner(definition({ command: path.join(dir, 'notexec') }));
    await expect(scanner.locate({ exec: failingExec, toolsDir: dir, env: {} })).rejects.toBeInstanceOf(
      ToolMissingError,
    );
  });

  it('finds a command on PATH and reports an unknown version without versionArgs', async () => {
    const scanner = commandScanner(definition({ command: 'mytool' }));
    const located = await scanner.locate({ exec: failingExec, toolsDir: dir, env: { PATH: dir } });
    expect(located).toEqual({ command: tool, version: 'unknown', source: 'configured' });
  });

  it('asks for the version with versionArgs and parses it', async () => {
    const scanner = commandScanner(definition({ command: tool, versionArgs: ['--version'] }));
    const located = await scanner.locate({ exec: fakeExec, toolsDir: dir, env: {} });
    expect(located.version).toBe('0.61.1');
    expect(calls.at(-1)).toMatchObject({ file: tool, args: ['--version'] });
  });
});
