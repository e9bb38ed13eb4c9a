import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { osvScannerConfig } from '../../../../scanners/osv-scanner/config.ts';
import { ConfigError } from '../../../../src/errors.ts';

const scratch = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'controlgate-osv-config-')));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function optionsOf(section: unknown, root: string) {
  return osvScannerConfig.options(osvScannerConfig.schema.parse(section), root);
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('osvScannerConfig', () => {
  it('defaults to no database: OSV-Scanner asks osv.dev', () => {
    expect(osvScannerConfig.schema.parse({})).toEqual({ enabled: true, timeout: 900, args: [] });
    expect(optionsOf({}, '/work/repo')).toEqual({ timeoutSeconds: 900, extraArgs: [] });
  });

  it('resolves a relative database folder against the workspace root', () => {
    const root = path.join(scratch, 'work', 'repo');
    mkdirSync(root, { recursive: true });
    mkdirSync(path.join(scratch, 'work', 'osv-db'));
    expect(optionsOf({ database: '../osv-db' }, root).database).toBe(path.join(scratch, 'work', 'osv-db'));
    expect(optionsOf({ database: path.join(scratch, 'work', 'osv-db') }, root).database).toBe(
      path.join(scratch, 'work', 'osv-db'),
    );
  });

  it('refuses a folder that does not exist, naming the setting and the path', () => {
    const error = configError(() => optionsOf({ database: '/nonexistent/osv-db' }, '/work/repo'));
    expect(error.file).toBe('.controlgate.yml');
    expect(error.problems[0]).toContain('scanners.osv-scanner.database: "/nonexistent/osv-db"');
    expect(error.problems[0]).toContain('is not a folder; expected a folder holding the advisory database');
  });

  it.each(['osv-db', '.', './vendor/../osv'])(
    'refuses %j: inside the workspace, a change could edit it',
    (database) => {
      const error = configError(() => optionsOf({ database }, '/work/repo'));
      expect(error.problems[0]).toContain('scanners.osv-scanner.database');
      expect(error.problems[0]).toContain('inside the workspace');
      expect(error.problems[0]).toContain('expected a folder outside it');
    },
  );

  it('refuses a path outside that leads into the workspace through a symlink', () => {
    const root = path.join(scratch, 'repo');
    mkdirSync(path.join(root, 'db'), { recursive: true });
    symlinkSync(path.join(root, 'db'), path.join(scratch, 'link'));
    const error = configError(() => optionsOf({ database: path.join(scratch, 'link') }, root));
    expect(error.problems[0]).toContain('inside the workspace');
  });

  it.each([
    [{ database: '' }, 'got an empty string'],
    [{ database: 3 }, 'expected the path of a folder'],
    [{ databse: '/x' }, 'databse'],
  ])('rejects %j', (section, detail) => {
    const result = osvScannerConfig.schema.safeParse(section);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain(detail);
  });
});
