import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../../../src/config/load.ts';
import { ConfigError } from '../../../src/errors.ts';

const FILE = '/repo/.controlgate.yml';

/** Runs parseConfig expecting a ConfigError and returns it. */
function configError(text: string): ConfigError {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig: defaults', () => {
  it.each([
    ['empty text', ''],
    ['only a comment', '# nothing configured\n'],
    ['an explicit empty map', '{}\n'],
  ])('gives the defaults for %s', (_what, text) => {
    const config = parseConfig(text, FILE);
    expect(config.version).toBe(1);
    expect(config.scanners.semgrep.configs).toEqual(['builtin']);
    expect(config.scanners.semgrep.timeout).toBe(900);
    expect(config.scanners.bandit.timeout).toBe(900);
    expect(config.scanners.kics.timeout).toBe(900);
    expect(config.scanners.custom).toEqual([]);
    expect(config.exclude).toEqual([]);
    expect(config.concurrency).toBeUndefined();
  });

  it('fills defaults around the keys that are given', () => {
    const config = parseConfig('scanners:\n  bandit:\n    timeout: 60\n', FILE);
    expect(config.scanners.bandit).toEqual({ enabled: true, timeout: 60, args: [] });
    expect(config.scanners.semgrep.configs).toEqual(['builtin']);
  });

  it('reads a full custom scanner and applies its defaults', () => {
    const config = parseConfig(
      [
        'scanners:',
        '  custom:',
        '    - id: my-tool',
        '      command: /opt/my-tool',
        '      args: ["--out", "{sarif}", "{files}"]',
      ].join('\n'),
      FILE,
    );
    expect(config.scanners.custom).toEqual([
      {
        id: 'my-tool',
        command: '/opt/my-tool',
        args: ['--out', '{sarif}', '{files}'],
        sarif: '{outDir}/output.sarif',
        cleanExitCodes: [0],
        findingsExitCodes: [1],
        enabled: true,
        timeout: 900,
        covers: ['CC7.1'],
        // Unknown tools may analyse across files: pull requests still scan everything with them.
        scope: 'tree',
        // Nothing of the job's environment beyond the basics unless asked for.
        env: [],
      },
    ]);
  });
});

describe('parseConfig: unknown keys', () => {
  it('names a misspelt top-level key and the line it is on', () => {
    const error = configError('version: 1\nexclude: []\nscaners:\n  semgrep: {}\n');
    expect(error.file).toBe(FILE);
    expect(error.message).toContain(FILE);
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toContain('"scaners"');
    expect(error.problems[0]).toMatch(/^line 3: /);
  });

  it('names a misspelt nested key and the line it is on', () => {
    const error = configError(
      'scanners:\n  bandit:\n    enabled: true\n  semgrep:\n    enabled: true\n    timeot: 5\n',
    );
    expect(error.problems[0]).toContain('scanners.semgrep');
    expect(error.problems[0]).toContain('"timeot"');
    expect(error.problems[0]).toMatch(/^line 6: /);
  });
});

describe('parseConfig: wrong values', () => {
  it('names the key path, the line and the bad value for a wrong type', () => {
    const error = configError('scanners:\n  semgrep:\n    timeout: "soon"\n');
    const problem = error.problems[0] ?? '';
    expect(problem).toContain('scanners.semgrep.timeout');
    expect(problem).toMatch(/^line 3: /);
    expect(problem).toContain('"soon"');
  });

  it('rejects a non-positive timeout', () => {
    const error = configError('scanners:\n  kics:\n    timeout: -5\n');
    expect(error.problems[0]).toContain('scanners.kics.timeout');
    expect(error.problems[0]).toContain('-5');
  });

  it('rejects a custom scanner id that is not lower-case letters, digits and dashes', () => {
    const error = configError('scanners:\n  custom:\n    - id: Bad_ID\n      command: x\n');
    const problem = error.problems[0] ?? '';
    expect(problem).toContain('scanners.custom[0].id');
    expect(problem).toMatch(/^line 3: /);
    expect(problem).toContain('"Bad_ID"');
  });

  it('rejects an empty semgrep configs list', () => {
    const error = configError('scanners:\n  semgrep:\n    configs: []\n');
    expect(error.problems[0]).toContain('scanners.semgrep.configs');
  });

  it('names the file, the field and the expected values for a wrong KICS cloud provider', () => {
    const error = configError('scanners:\n  kics:\n    cloudProviders: [aws, amazon]\n');
    expect(error.message.startsWith(`${FILE}: `)).toBe(true);
    const problem = error.problems[0] ?? '';
    expect(problem).toMatch(/^line 3: scanners\.kics\.cloudProviders: /);
    expect(problem).toContain(
      'expected "auto", "all" or a list of alicloud, aws, azure, gcp, nifcloud, tencentcloud',
    );
    expect(problem).toContain('not a provider: [1] "amazon"');
  });

  it('lists the accepted version for a wrong version', () => {
    const error = configError('version: 2\n');
    expect(error.problems[0]).toBe('line 1: version: expected 1 (got 2)');
  });

  it('reports every problem, not only the first', () => {
    const error = configError('concurrency: 0\nexclude: "vendor"\n');
    expect(error.problems).toHaveLength(2);
    expect(error.problems.join('\n')).toContain('concurrency');
    expect(error.problems.join('\n')).toContain('exclude');
  });
});

describe('parseConfig: YAML syntax', () => {
  it('names the line of a syntax error', () => {
    const error = configError('exclude: [a,\nscanners: 2\n');
    expect(error.problems[0]).toMatch(/^line \d+: YAML syntax: /);
  });

  it('names the right line for a bad indentation further down', () => {
    const error = configError('version: 1\nscanners:\n  bandit:\n    enabled: true\n   timeout: 5\n');
    expect(error.problems[0]).toMatch(/^line 5: YAML syntax: /);
  });
});

describe('loadConfig', () => {
  let root: string;
  let target: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'controlgate-config-'));
    target = path.join(root, 'services', 'api');
    await mkdir(target, { recursive: true });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('uses the defaults and no file when none exists', async () => {
    const loaded = await loadConfig({ target, root });
    expect(loaded.file).toBeUndefined();
    expect(loaded.config.scanners.semgrep.configs).toEqual(['builtin']);
  });

  it('finds .controlgate.yml in the target folder first', async () => {
    await writeFile(path.join(target, '.controlgate.yml'), 'exclude: ["from-target"]\n');
    await writeFile(path.join(root, '.controlgate.yml'), 'exclude: ["from-root"]\n');
    const loaded = await loadConfig({ target, root });
    expect(loaded.file).toBe(path.join(target, '.controlgate.yml'));
    expect(loaded.config.exclude).toEqual(['from-target']);
  });

  it('falls back to the repository root', async () => {
    await writeFile(path.join(root, '.controlgate.yml'), 'exclude: ["from-root"]\n');
    const loaded = await loadConfig({ target, root });
    expect(loaded.file).toBe(path.join(root, '.controlgate.yml'));
    expect(loaded.config.exclude).toEqual(['from-root']);
  });

  it('also accepts the .yaml spelling', async () => {
    await writeFile(path.join(root, '.controlgate.yaml'), 'concurrency: 2\n');
    const loaded = await loadConfig({ target, root });
    expect(loaded.config.concurrency).toBe(2);
  });

  it('lets an explicit file win over the discovered ones', async () => {
    await writeFile(path.join(target, '.controlgate.yml'), 'exclude: ["from-target"]\n');
    const explicit = path.join(root, 'ci-config.yml');
    await writeFile(explicit, 'exclude: ["explicit"]\n');
    const loaded = await loadConfig({ explicit, target, root });
    expect(loaded.file).toBe(explicit);
    expect(loaded.config.exclude).toEqual(['explicit']);
  });

  it('turns a missing explicit file into a ConfigError naming it', async () => {
    const explicit = path.join(root, 'nope.yml');
    await writeFile(path.join(target, '.controlgate.yml'), 'exclude: []\n');
    const error = await loadConfig({ explicit, target, root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(explicit);
    expect((error as ConfigError).message).toContain(explicit);
  });

  it('reports problems in the discovered file with its path', async () => {
    const file = path.join(root, '.controlgate.yml');
    await writeFile(file, 'scaners: {}\n');
    const error = await loadConfig({ target, root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).file).toBe(file);
  });
});
