import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KicsQueryMeta,
  kicsQuerySelection,
  readQueryCatalog,
} from '../../../../scanners/kics/query-args.ts';
import type { QueryNeeds } from '../../../../scanners/kics/query-selection.ts';

const CATALOG: KicsQueryMeta[] = [
  { id: 'tf-aws', cloudProvider: 'aws' },
  { id: 'tf-azure', cloudProvider: 'azure' },
  { id: 'tf-gcp', cloudProvider: 'gcp' },
  { id: 'tf-common', cloudProvider: 'common' },
  { id: 'docker-none' },
];
const catalog = () => CATALOG;
const noCatalog = (): never => {
  throw new Error('the catalog was read');
};

const needs = (
  providers: QueryNeeds['providers'],
  dockerfile = false,
  providerPlatform = true,
): QueryNeeds => ({
  providers,
  dockerfile,
  providerPlatform,
});

describe('kicsQuerySelection', () => {
  it('passes --cloud-provider with the detected providers when no Dockerfile is scanned', () => {
    const selection = kicsQuerySelection({ extraArgs: [] }, needs(new Set(['gcp', 'aws'])), noCatalog);
    expect(selection).toEqual({ args: ['--cloud-provider', 'aws,gcp'], providers: ['aws', 'gcp'] });
  });

  it("excludes the other providers' queries by id with a Dockerfile, whose queries --cloud-provider would drop", () => {
    const selection = kicsQuerySelection({ extraArgs: [] }, needs(new Set(['aws']), true), catalog);
    expect(selection).toEqual({ args: ['--exclude-queries', 'tf-azure,tf-gcp'], providers: ['aws'] });
  });

  it('excludes every provider query for Terraform that uses none', () => {
    const selection = kicsQuerySelection({ extraArgs: [] }, needs(new Set()), catalog);
    expect(selection.args).toEqual(['--exclude-queries', 'tf-aws,tf-azure,tf-gcp']);
  });

  it('adds nothing when no file is of a platform with provider queries: KICS loads none of them', () => {
    const selection = kicsQuerySelection({ extraArgs: [] }, needs(new Set(), true, false), noCatalog);
    expect(selection).toEqual({ args: [], reason: 'no file of a platform with cloud-specific queries' });
  });

  it('loads every query when detection is unsure, and says why', () => {
    const selection = kicsQuerySelection(
      { extraArgs: [] },
      needs({ unsure: '/r/m.tf: a module' }),
      noCatalog,
    );
    expect(selection).toEqual({ args: [], reason: 'unsure which providers: /r/m.tf: a module' });
  });

  it('loads every query for "all", and when every provider is used', () => {
    expect(
      kicsQuerySelection({ extraArgs: [], cloudProviders: 'all' }, needs(new Set(['aws'])), noCatalog).args,
    ).toEqual([]);
    const every = new Set(['alicloud', 'aws', 'azure', 'gcp', 'nifcloud', 'tencentcloud'] as const);
    expect(kicsQuerySelection({ extraArgs: [] }, needs(every), noCatalog).args).toEqual([]);
  });

  it('takes a configured list over detection, also when detection is unsure', () => {
    const selection = kicsQuerySelection(
      { extraArgs: [], cloudProviders: ['azure'] },
      needs({ unsure: 'a module' }),
      noCatalog,
    );
    expect(selection.args).toEqual(['--cloud-provider', 'azure']);
  });

  it.each([
    ['--cloud-provider=aws'],
    ['--include-queries'],
    ['-i'],
    ['--queries-path'],
    ['-q'],
    ['--config'],
  ])('steps aside when the configured args choose queries themselves (%s)', (arg) => {
    const selection = kicsQuerySelection({ extraArgs: [arg, 'x'] }, needs(new Set(['aws'])), noCatalog);
    expect(selection.args).toEqual([]);
    expect(selection.reason).toContain(arg);
  });

  it('loads every query when the metadata cannot be read', () => {
    const selection = kicsQuerySelection({ extraArgs: [] }, needs(new Set(['aws']), true), noCatalog);
    expect(selection.args).toEqual([]);
    expect(selection.reason).toContain('the catalog was read');
  });
});

describe('readQueryCatalog', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'controlgate-kics-catalog-'));
    await mkdir(path.join(dir, 'terraform', 'aws', 'q1'), { recursive: true });
    await mkdir(path.join(dir, 'dockerfile', 'q2'), { recursive: true });
    await writeFile(
      path.join(dir, 'terraform', 'aws', 'q1', 'metadata.json'),
      '{"id": "q1", "cloudProvider": "aws"}',
    );
    await writeFile(path.join(dir, 'terraform', 'aws', 'q1', 'query.rego'), 'package Cx');
    await writeFile(
      path.join(dir, 'dockerfile', 'q2', 'metadata.json'),
      '{"id": "q2", "platform": "Dockerfile"}',
    );
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads every metadata.json below the folder', () => {
    const ids = [...readQueryCatalog(dir)].sort((a, b) => a.id.localeCompare(b.id));
    expect(ids).toEqual([{ id: 'q1', cloudProvider: 'aws' }, { id: 'q2' }]);
  });

  it('fails on a folder without queries, so the selection falls back to every query', () => {
    expect(() => readQueryCatalog(path.join(dir, 'dockerfile', 'none'))).toThrow();
  });
});
