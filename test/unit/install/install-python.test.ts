import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { banditInVenv } from '../../../scanners/bandit/install.ts';
import { pythonScannersVenv } from '../../../scanners/python-venv.ts';
import { semgrepInVenv } from '../../../scanners/semgrep/install.ts';
import { type ExecRequest, type ExecResult, realExec } from '../../../src/exec/exec.ts';
import { checkToolPins } from '../../../src/install/install-python.ts';
import { PIP_LOCKED_ARGS, pipInstallLocked } from '../../../src/install/pip-locked.ts';
import {
  checkLockMatches,
  lockPath,
  PYTHON_LOCKS,
  type PythonLockId,
  parseLock,
} from '../../../src/install/python-lock.ts';
import { CHECK_JSONSCHEMA, PYTHON_REQUIREMENTS, TRESTLE } from '../../../src/tools/versions.ts';
import { findOnPath } from '../../../src/tools/which.ts';
import { execResult } from '../../support/exec-result.ts';

const PYTHON = process.env.CONTROLGATE_PYTHON ?? findOnPath('python3') ?? 'python3';

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

/** A minimal wheel (PEP 427): one module, its metadata and a RECORD with the files' hashes. */
function makeWheel(moduleSource: string): Uint8Array {
  const info = 'cg_probe-1.0.0.dist-info';
  const files: Record<string, Uint8Array> = {
    'cg_probe.py': strToU8(moduleSource),
    [`${info}/METADATA`]: strToU8('Metadata-Version: 2.1\nName: cg-probe\nVersion: 1.0.0\n'),
    [`${info}/WHEEL`]: strToU8(
      'Wheel-Version: 1.0\nGenerator: controlgate-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n',
    ),
  };
  const record = Object.entries(files).map(([name, data]) => {
    const digest = createHash('sha256').update(data).digest('base64url');
    return `${name},sha256=${digest},${data.length}`;
  });
  files[`${info}/RECORD`] = strToU8(`${[...record, `${info}/RECORD,,`].join('\n')}\n`);
  return zipSync(files);
}

describe('pip install from a lock (real pip, a wheel made here)', () => {
  const WHEEL_NAME = 'cg_probe-1.0.0-py3-none-any.whl';
  const reviewed = makeWheel('VALUE = "reviewed"\n');
  const tampered = makeWheel('VALUE = "tampered"\nimport os  # anything an attacker likes\n');
  let scratch: string;
  let links: string;
  let venvPython: string;

  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-pip-hash-'));
    links = path.join(scratch, 'links');
    await mkdir(links);
    const venv = path.join(scratch, 'venv');
    const created = await realExec({ file: PYTHON, args: ['-m', 'venv', venv], timeoutMs: 120_000 });
    expect(created.exitCode, created.stderrTail).toBe(0);
    venvPython = path.join(venv, 'bin', 'python');
  }, 120_000);

  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  /** Serves `served` as the probe's wheel and installs it with a lock that pins `lockedHash`. */
  async function install(served: Uint8Array, lockedHash: string): Promise<void> {
    await writeFile(path.join(links, WHEEL_NAME), served);
    const lockFile = path.join(scratch, 'probe.lock');
    await writeFile(lockFile, `cg-probe==1.0.0 \\\n    --hash=sha256:${lockedHash}\n`);
    await pipInstallLocked(realExec, {
      python: venvPython,
      lockFile,
      lockLabel: 'probe.lock',
      sourceArgs: ['--no-index', '--find-links', links],
    });
  }

  async function probeValue(): Promise<string> {
    const result = await realExec({
      file: venvPython,
      args: ['-c', 'import cg_probe; print(cg_probe.VALUE)'],
      timeoutMs: 60_000,
    });
    return result.exitCode === 0 ? result.stdout.trim() : `not importable: ${result.stderrTail.trim()}`;
  }

  it.each([
    { case: 'a tampered download', served: tampered, locked: sha256(reviewed) },
    {
      case: 'a lock whose hash was altered',
      served: reviewed,
      locked: sha256(reviewed).replace(/^./, (c) => (c === '0' ? '1' : '0')),
    },
  ])(
    'refuses $case with a message naming the lock, and installs nothing',
    async ({ served, locked }) => {
      const failure = install(served, locked);
      await expect(failure).rejects.toThrow(/pip refused a download whose sha256 is not in probe\.lock/);
      await expect(failure).rejects.toThrow(new RegExp(`Expected sha256 ${locked}`));
      await expect(failure).rejects.toThrow(new RegExp(`Got\\s+${sha256(served)}`));
      expect(await probeValue()).toMatch(/^not importable/);
    },
    60_000,
  );

  it('installs the reviewed wheel when its sha256 is in the lock', async () => {
    await install(reviewed, sha256(reviewed));
    expect(await probeValue()).toBe('reviewed');
  }, 60_000);
});

describe('the committed locks', () => {
  const expected: Record<PythonLockId, readonly string[]> = {
    scanners: PYTHON_REQUIREMENTS,
    trestle: TRESTLE.requirements,
    'check-jsonschema': CHECK_JSONSCHEMA.requirements,
  };

  it.each(Object.keys(PYTHON_LOCKS) as PythonLockId[])(
    'lock "%s" pins exactly the versions.json list, each with sha256 hashes',
    async (id) => {
      const pins = parseLock(await readFile(lockPath(id), 'utf8'), PYTHON_LOCKS[id]);
      expect(() => checkLockMatches(pins, expected[id], PYTHON_LOCKS[id])).not.toThrow();
      expect(pins).toHaveLength(expected[id].length);
      for (const pin of pins) expect(pin.hashes.length, pin.name).toBeGreaterThan(0);
    },
  );

  it('refuses a lock that no longer matches the pins, naming the package and the fix', async () => {
    const pins = parseLock(await readFile(lockPath('scanners'), 'utf8'), PYTHON_LOCKS.scanners);
    const bumped = PYTHON_REQUIREMENTS.map((r) => (r.startsWith('semgrep==') ? 'semgrep==9.9.9' : r));
    expect(() => checkLockMatches(pins, bumped, PYTHON_LOCKS.scanners)).toThrow(
      /semgrep is locked at 1\.180\.0, pinned at 9\.9\.9.*node scripts\/lock-python\.ts/,
    );
    expect(() => checkLockMatches(pins, [...PYTHON_REQUIREMENTS, 'six==1.17.0'], 'x.lock')).toThrow(
      /six==1\.17\.0 is missing/,
    );
    expect(() => checkLockMatches(pins.slice(1), PYTHON_REQUIREMENTS, 'x.lock')).toThrow(
      /annotated-types==0\.8\.0 is missing/,
    );
  });

  const hash = `--hash=sha256:${'a'.repeat(64)}`;
  it.each([
    { line: `--index-url https://mirror.invalid/simple\nsix==1.17.0 ${hash}`, error: /:1: "--index-url"/ },
    { line: `six==1.17.0 ${hash}\n-r more.txt`, error: /:2: "-r" is not an exact pin/ },
    { line: `six>=1.17.0 ${hash}`, error: /:1: "six>=1\.17\.0" is not an exact pin/ },
    { line: 'six==1.17.0', error: /:1: six==1\.17\.0 has no --hash/ },
    { line: `six==1.17.0 --hash=md5:${'a'.repeat(32)}`, error: /only --hash=sha256/ },
    { line: `six==1.17.0 ${hash} --trusted-host evil.invalid`, error: /unexpected "--trusted-host"/ },
    { line: `six==1.17.0 ${hash}\nSix==1.16.0 ${hash}`, error: /:2: Six is pinned twice/ },
    { line: `https://evil.invalid/six.whl ${hash}`, error: /is not an exact pin/ },
  ])('refuses a lock line pip would read differently from a reviewer: $line', ({ line, error }) => {
    expect(() => parseLock(line, 'x.lock')).toThrow(error);
  });

  it('reads continuation lines and comments as pip does', () => {
    const text = `# header\n#   six-1.17.0.whl\nsix==1.17.0 \\\n    ${hash} \\\n    --hash=sha256:${'b'.repeat(64)}\n\nbandit[sarif]==1.9.4 ${hash}  # why\n`;
    expect(parseLock(text, 'x.lock')).toEqual([
      { requirement: 'six', name: 'six', version: '1.17.0', hashes: ['a'.repeat(64), 'b'.repeat(64)] },
      { requirement: 'bandit[sarif]', name: 'bandit', version: '1.9.4', hashes: ['a'.repeat(64)] },
    ]);
  });
});

describe('installLockedVenv, through the scanners venv recipe', () => {
  let tools: string;
  const env = { PATH: '', CONTROLGATE_PYTHON: '/opt/python-of-this-test/bin/python3' };

  beforeAll(async () => {
    tools = await mkdtemp(path.join(os.tmpdir(), 'controlgate-venv-'));
  });
  afterAll(async () => {
    await rm(tools, { recursive: true, force: true });
  });

  const ok = (stdout = ''): ExecResult => execResult({ stdout });

  /** Stands in for python and pip: "installs" executables where a real venv has them. */
  function fakePython(calls: ExecRequest[]) {
    return async (request: ExecRequest): Promise<ExecResult> => {
      calls.push(request);
      const venv = path.join(tools, 'venv');
      if (request.args.includes('install')) {
        const core = path.join(venv, 'lib', 'python3.11', 'site-packages', 'semgrep', 'bin');
        await mkdir(core, { recursive: true });
        for (const file of [
          path.join(core, 'semgrep-core'),
          ...['semgrep', 'bandit'].map((t) => path.join(venv, 'bin', t)),
        ]) {
          await writeFile(file, '#!/bin/sh\n');
          await chmod(file, 0o755);
        }
      }
      if (request.args[0] === '--version') {
        return ok(
          request.file.endsWith('semgrep')
            ? `${semgrepInVenv.pin.version}\n`
            : `bandit ${banditInVenv.pin.version}\n`,
        );
      }
      if (request.args.includes('venv')) {
        // `python -m venv --clear` empties the folder first.
        await rm(venv, { recursive: true, force: true });
        await mkdir(path.join(venv, 'bin'), { recursive: true });
        await writeFile(path.join(venv, 'bin', 'python'), '#!/bin/sh\n');
        await chmod(path.join(venv, 'bin', 'python'), 0o755);
      }
      return ok();
    };
  }

  const pipInstalls = (calls: ExecRequest[]) => calls.filter((c) => c.args.includes('install'));

  /** The recipe Semgrep's and Bandit's plugins declare, asked for `ids`. */
  function install(
    exec: (request: ExecRequest) => Promise<ExecResult>,
    log: (line: string) => void = () => {},
    ids: readonly string[] = ['semgrep', 'bandit'],
    toolsDir = tools,
    environment: NodeJS.ProcessEnv = env,
  ) {
    return pythonScannersVenv.install({ exec, toolsDir, log, env: environment, ids });
  }

  it('installs into a fresh venv with pip in hash-checking mode from the committed lock', async () => {
    const calls: ExecRequest[] = [];
    const outcomes = await install(fakePython(calls));
    expect(outcomes.map((o) => [o.tool, o.action])).toEqual([
      ['semgrep', 'installed'],
      ['bandit', 'installed'],
    ]);
    const venvAt = calls.findIndex(
      (c) => c.args.join(' ') === `-I -m venv --clear ${path.join(tools, 'venv')}`,
    );
    const [pip, ...more] = pipInstalls(calls);
    expect(more).toEqual([]);
    expect(venvAt).toBeGreaterThanOrEqual(0);
    expect(calls.indexOf(pip as ExecRequest)).toBeGreaterThan(venvAt);
    expect(pip?.file).toBe(path.join(tools, 'venv', 'bin', 'python'));
    expect(pip?.args).toEqual(['-I', '-m', 'pip', ...PIP_LOCKED_ARGS, '-r', lockPath('scanners')]);
    expect(pip?.args).toEqual(
      expect.arrayContaining(['--require-hashes', '--no-deps', '--only-binary=:all:']),
    );
    expect(calls.some((c) => c.args.join(' ') === '-I -m pip check --disable-pip-version-check')).toBe(true);
  });

  it('reuses the venv only while its stamp matches the lock and the engine it recorded', async () => {
    const warm: ExecRequest[] = [];
    const reused = await install(fakePython(warm));
    expect(reused.map((o) => o.action)).toEqual(['present', 'present']);
    // The stamp is the whole check: no pip, and no seconds-long `semgrep --version` either.
    expect(warm).toEqual([]);

    await writeFile(
      path.join(tools, 'venv', 'lib', 'python3.11', 'site-packages', 'semgrep', 'bin', 'semgrep-core'),
      'swapped',
    );
    const again: ExecRequest[] = [];
    const log: string[] = [];
    const redone = await install(fakePython(again), (line) => log.push(line));
    expect(redone.map((o) => o.action)).toEqual(['installed', 'installed']);
    expect(pipInstalls(again)).toHaveLength(1);
    expect(log.join('\n')).toMatch(/semgrep-core changed since it was installed/);
  });

  it('reinstalls a venv whose entry point was edited or that gained a file, naming it', async () => {
    const venv = path.join(tools, 'venv');
    const bandit = path.join(venv, 'bin', 'bandit');
    await writeFile(bandit, '#!/bin/sh\necho pwned\n');
    const log: string[] = [];
    const edited: ExecRequest[] = [];
    expect((await install(fakePython(edited), (line) => log.push(line))).map((o) => o.action)).toEqual([
      'installed',
      'installed',
    ]);
    expect(log.join('\n')).toContain(
      `reinstalling the venv at ${venv}: ${bandit} changed since it was installed`,
    );
    expect(await readFile(bandit, 'utf8')).toBe('#!/bin/sh\n');

    const pth = path.join(venv, 'lib', 'python3.11', 'site-packages', 'evil.pth');
    await writeFile(pth, 'import os\n');
    log.length = 0;
    const added: ExecRequest[] = [];
    await install(fakePython(added), (line) => log.push(line));
    expect(pipInstalls(added)).toHaveLength(1);
    expect(log.join('\n')).toContain(`${pth} was added after the install`);
    expect(existsSync(pth)).toBe(false);
  });

  it('reports only the scanners asked for, but installs and stamps the whole venv', async () => {
    const fresh = await mkdtemp(path.join(os.tmpdir(), 'controlgate-venv-one-'));
    try {
      const calls: ExecRequest[] = [];
      // fakePython "installs" into `tools`; point it at this folder by installing there.
      const exec = async (request: ExecRequest): Promise<ExecResult> => {
        calls.push(request);
        const venv = path.join(fresh, 'venv');
        if (request.args.includes('venv')) {
          await mkdir(path.join(venv, 'bin'), { recursive: true });
          await writeFile(path.join(venv, 'bin', 'python'), '#!/bin/sh\n', { mode: 0o755 });
        }
        if (request.args.includes('install')) {
          const core = path.join(venv, 'lib', 'python3.11', 'site-packages', 'semgrep', 'bin');
          await mkdir(core, { recursive: true });
          for (const file of [
            path.join(core, 'semgrep-core'),
            path.join(venv, 'bin', 'semgrep'),
            path.join(venv, 'bin', 'bandit'),
          ])
            await writeFile(file, '#!/bin/sh\n', { mode: 0o755 });
        }
        if (request.args[0] === '--version') return ok(`bandit ${banditInVenv.pin.version}\n`);
        return ok();
      };
      const outcomes = await install(exec, () => {}, ['bandit'], fresh);
      expect(outcomes.map((o) => [o.tool, o.action])).toEqual([['bandit', 'installed']]);
      expect(pipInstalls(calls)).toHaveLength(1);
      // One venv for both: Semgrep is there now, vouched for by the same stamp.
      const later: ExecRequest[] = [];
      const both = await install(fakePython(later), () => {}, ['semgrep', 'bandit'], fresh);
      expect(both.map((o) => [o.tool, o.action])).toEqual([
        ['semgrep', 'present'],
        ['bandit', 'present'],
      ]);
      expect(later).toEqual([]);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('uses a fitting Semgrep on PATH when only Semgrep is asked for, without building the venv', async () => {
    const fresh = await mkdtemp(path.join(os.tmpdir(), 'controlgate-venv-path-'));
    try {
      const bin = path.join(fresh, 'bin');
      await mkdir(bin);
      await writeFile(path.join(bin, 'semgrep'), '#!/bin/sh\n', { mode: 0o755 });
      const calls: ExecRequest[] = [];
      const outcomes = await install(fakePython(calls), () => {}, ['semgrep'], fresh, { ...env, PATH: bin });
      expect(outcomes).toMatchObject([
        {
          tool: 'semgrep',
          action: 'path',
          version: semgrepInVenv.pin.version,
          location: path.join(bin, 'semgrep'),
        },
      ]);
      expect(calls.map((c) => c.file)).toEqual([path.join(bin, 'semgrep')]);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });
});

describe('checkToolPins', () => {
  const venv = {
    lock: 'scanners' as const,
    requirements: PYTHON_REQUIREMENTS,
    tools: [semgrepInVenv, banditInVenv],
  };

  it("holds for the committed pins: each scanner's pin.json names the version the closure pins", () => {
    expect(() => checkToolPins(venv)).not.toThrow();
  });

  it('refuses a scanner pin bumped without the closure, naming both and the fix', () => {
    const bumped = { ...semgrepInVenv, pin: { ...semgrepInVenv.pin, version: '9.9.9' } };
    expect(() => checkToolPins({ ...venv, tools: [bumped, banditInVenv] })).toThrow(
      /scanners\/python-scanners\.lock .*semgrep is pinned at 9\.9\.9, the closure has 1\.180\.0.*node scripts\/lock-python\.ts/,
    );
    const stranger = { id: 'checkov', pin: { version: '3.0.0', accepts: '>=3.0.0' } };
    expect(() => checkToolPins({ ...venv, tools: [stranger] })).toThrow(
      /checkov is pinned at 3\.0\.0, the closure has no version of it/,
    );
  });
});
