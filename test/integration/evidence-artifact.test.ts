import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ActionWorkspace,
  actionEnv,
  assertActionBuilt,
  createActionWorkspace,
  fakeToken,
  readOutputs,
  runAction,
} from '../support/action-env.ts';
import { type FakeActionsArtifacts, startFakeActionsArtifacts } from '../support/fake-actions-artifacts.ts';
import { type FakeGitHub, startFakeGitHub } from '../support/fake-github.ts';
import { tail } from '../support/run-checks.ts';

/*
 * The evidence upload as an auditor later finds it: the built Action uploads the bundle with the
 * real @actions/artifact client to a local artifact service (test/support/fake-actions-artifacts.ts),
 * and the id GitHub answers and the zip's digest reach the step's outputs and the job summary.
 */

describe('the evidence artifact, as uploaded', () => {
  let artifacts: FakeActionsArtifacts;
  let gh: FakeGitHub;
  let ws: ActionWorkspace;

  beforeAll(async () => {
    assertActionBuilt();
    artifacts = await startFakeActionsArtifacts();
    gh = await startFakeGitHub();
    ws = createActionWorkspace();
  });
  afterAll(async () => {
    await artifacts.stop();
    await gh.stop();
    ws.cleanup();
  });

  it('records the artifact id and zip digest GitHub answers in the outputs, the summary and the log', async () => {
    const env = actionEnv(ws, gh, {
      token: fakeToken(),
      extra: { ACTIONS_RESULTS_URL: artifacts.url, ACTIONS_RUNTIME_TOKEN: artifacts.token },
    });
    const run = await runAction(env);
    expect(run.exitCode, tail(run)).toBe(1);
    expect(artifacts.artifacts.map((a) => a.name)).toEqual(['controlgate-evidence']);
    const [stored] = artifacts.artifacts;
    const zipDigest = createHash('sha256')
      .update(stored?.zip ?? Buffer.alloc(0))
      .digest('hex');
    expect(stored?.hash).toBe(`sha256:${zipDigest}`);
    // The artifact holds the bundle: its manifest and the report among the files.
    const names = Object.keys(unzipSync(new Uint8Array(stored?.zip ?? Buffer.alloc(0))));
    expect(names).toEqual(expect.arrayContaining(['manifest.json', 'controlgate.json', 'run.json']));

    const outputs = readOutputs(ws.outputPath);
    expect(outputs['evidence-artifact-id']).toBe('4242');
    expect(outputs['evidence-digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    const summary = readFileSync(ws.summaryPath, 'utf8');
    expect(summary).toContain(`artifact "controlgate-evidence" id 4242 zip sha256:${zipDigest}`);
    expect(`${run.stdout}\n${run.stderr}`).toContain(
      `evidence uploaded as artifact "controlgate-evidence" (id 4242, zip sha256:${zipDigest})`,
    );
    // The status says the decision only: the digest, new on every run, would make a rerun write it again.
    const status = gh.writes().find((r) => r.path.startsWith('/repos/octo/shop/statuses/'));
    const description = (status?.body as { description?: string } | undefined)?.description ?? '';
    expect(description).toMatch(/^Blocked: .+ problems? in \d+ files? \(CC[\d.]+(, CC[\d.]+)*\)$/);
    expect(description).not.toContain('sha256');
  });
});
