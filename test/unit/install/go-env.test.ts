import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Exec, realExec } from '../../../src/exec/exec.ts';
import { goEnvironment } from '../../../src/install/go-env.ts';
import { GO } from '../../support/go-module.ts';

/** Asks the real `go` what it would use, in an environment where `hostile` sits below ours. */
async function effectiveGoEnv(hostile: Record<string, string>): Promise<Record<string, string>> {
  const underneath: Exec = (request) => realExec({ ...request, env: { ...hostile, ...request.env } });
  const names = ['GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GONOPROXY', 'GOINSECURE', 'GOFLAGS', 'GOPROXY'];
  const result = await underneath({
    file: GO,
    args: ['env', '-json', ...names],
    env: goEnvironment(hostile),
    timeoutMs: 60_000,
  });
  expect(result.exitCode, result.stderrTail).toBe(0);
  return JSON.parse(result.stdout) as Record<string, string>;
}

describe('the environment of the Go build', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'controlgate-goenv-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('checks every module against sum.golang.org whatever the machine or the go/env file say', async () => {
    // `go env -w` writes here; plain variables set to "" do not outrank it.
    const goEnvFile = path.join(scratch, 'go-env');
    await writeFile(
      goEnvFile,
      'GONOSUMDB=*\nGOPRIVATE=*\nGONOPROXY=*\nGOINSECURE=*\nGOSUMDB=off\nGOFLAGS=-mod=mod\nGOPROXY=direct\n',
    );
    const hostile = {
      GOENV: goEnvFile,
      GOSUMDB: 'off',
      GONOSUMDB: '*',
      GOPRIVATE: 'github.com/*',
      GONOPROXY: '*',
      GOINSECURE: '*',
      GOFLAGS: '-mod=mod -insecure',
      GOPROXY: 'http://proxy.invalid,direct',
    };
    expect(await effectiveGoEnv(hostile)).toEqual({
      GOSUMDB: 'sum.golang.org',
      GONOSUMDB: '',
      GOPRIVATE: '',
      GONOPROXY: '',
      GOINSECURE: '',
      GOFLAGS: '-mod=readonly -buildvcs=false',
      GOPROXY: 'https://proxy.golang.org',
    });
  });

  it('takes a mirror only from CONTROLGATE_GOPROXY and keeps the caches the user moved', () => {
    const env = goEnvironment({
      CONTROLGATE_GOPROXY: 'https://goproxy.example.test',
      GOMODCACHE: '/cache/mod',
      GOCACHE: '/cache/build',
    });
    expect(env).toMatchObject({
      GOPROXY: 'https://goproxy.example.test',
      GOSUMDB: 'sum.golang.org',
      GOMODCACHE: '/cache/mod',
      GOCACHE: '/cache/build',
    });
  });
});
