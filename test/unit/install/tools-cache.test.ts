import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  pinFiles,
  pinFilesDigest,
  type ToolsCacheKeyParts,
  toolsCacheKey,
} from '../../../src/install/tools-cache.ts';
import { REPO_ROOT } from '../../support/cli.ts';

const PARTS: ToolsCacheKeyParts = {
  recipe: 'python-venv',
  platform: 'linux',
  arch: 'x64',
  image: 'ubuntu24',
  pins: 'a'.repeat(64),
  runtime: '/usr/bin/python3.12',
};

describe('toolsCacheKey', () => {
  it('names the recipe, OS, architecture and image, then a hash', () => {
    expect(toolsCacheKey(PARTS)).toMatch(/^controlgate-tools-python-venv-linux-x64-ubuntu24-[0-9a-f]{32}$/);
    const { image: _image, ...noImage } = PARTS;
    expect(toolsCacheKey(noImage)).toMatch(/^controlgate-tools-python-venv-linux-x64-[0-9a-f]{32}$/);
  });

  it('is the same for the same parts and differs when any part differs', () => {
    const key = toolsCacheKey(PARTS);
    expect(toolsCacheKey({ ...PARTS })).toBe(key);
    const variants: Partial<ToolsCacheKeyParts>[] = [
      { recipe: 'kics' },
      { platform: 'darwin' },
      { arch: 'arm64' },
      { image: 'ubuntu22' },
      { pins: 'b'.repeat(64) },
      { runtime: '/usr/bin/python3.13' },
      { runtime: undefined },
    ];
    const keys = variants.map((v) => toolsCacheKey({ ...PARTS, ...v }));
    expect(new Set([key, ...keys]).size).toBe(variants.length + 1);
  });

  it('keeps out what the cache service refuses (commas) and stays far below its 512 characters', () => {
    const key = toolsCacheKey({ ...PARTS, image: 'ubuntu,24 (beta)', recipe: 'a/b' });
    expect(key).not.toMatch(/[,\s/()]/);
    expect(key).toContain('-a_b-');
    expect(key.length).toBeLessThan(200);
  });
});

describe('pinFiles and pinFilesDigest', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it('cover the Python lock, versions.json and every scanner pin of the repository', () => {
    expect(pinFiles(REPO_ROOT)).toEqual([
      'scanners/bandit/pin.json',
      'scanners/gitleaks/pin.json',
      'scanners/kics/pin.json',
      'scanners/osv-scanner/pin.json',
      'scanners/python-scanners.lock',
      'scanners/semgrep/pin.json',
      'scanners/versions.json',
    ]);
    expect(pinFilesDigest(REPO_ROOT)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('changes when any pin file changes, and only then', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'controlgate-pins-'));
    cpSync(path.join(REPO_ROOT, 'scanners'), path.join(root, 'scanners'), { recursive: true });
    const before = pinFilesDigest(root);
    expect(pinFilesDigest(REPO_ROOT)).toBe(before);
    writeFileSync(path.join(root, 'scanners', 'semgrep', 'plugin.ts'), '// not a pin\n');
    expect(pinFilesDigest(root)).toBe(before);
    for (const rel of pinFiles(root)) {
      const copy = mkdtempSync(path.join(os.tmpdir(), 'controlgate-pins-'));
      try {
        cpSync(path.join(root, 'scanners'), path.join(copy, 'scanners'), { recursive: true });
        writeFileSync(path.join(copy, rel), '{"bumped": true}\n');
        expect(pinFilesDigest(copy), rel).not.toBe(before);
      } finally {
        rmSync(copy, { recursive: true, force: true });
      }
    }
  });
});
