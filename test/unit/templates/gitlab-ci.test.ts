import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

/*
 * templates/controlgate.yml is read by GitLab, not by us: these checks stand in for its linter.
 * YAML must parse cleanly (no duplicate keys, no syntax warnings), the component header must
 * declare every input the job uses, and the job may only use keys GitLab knows.
 */

const TEXT = readFileSync('templates/controlgate.yml', 'utf8');
const docs = parseAllDocuments(TEXT, { uniqueKeys: true, strict: true });

// The job keywords GitLab CI accepts (https://docs.gitlab.com/ci/yaml/), minus deprecated ones.
const JOB_KEYWORDS = new Set([
  'after_script',
  'allow_failure',
  'artifacts',
  'before_script',
  'cache',
  'coverage',
  'dast_configuration',
  'dependencies',
  'environment',
  'extends',
  'hooks',
  'identity',
  'id_tokens',
  'image',
  'inherit',
  'interruptible',
  'manual_confirmation',
  'needs',
  'pages',
  'parallel',
  'release',
  'resource_group',
  'retry',
  'rules',
  'run',
  'script',
  'secrets',
  'services',
  'stage',
  'tags',
  'timeout',
  'trigger',
  'variables',
  'when',
]);

interface Header {
  spec: { inputs: Record<string, { description?: string; default?: unknown }> };
}

describe('the GitLab CI/CD component template', () => {
  it('is two clean YAML documents: the spec header and the jobs', () => {
    expect(docs).toHaveLength(2);
    for (const doc of docs) {
      expect(doc.errors.map((e) => e.message)).toEqual([]);
      expect(doc.warnings.map((w) => w.message)).toEqual([]);
    }
  });

  const header = docs[0]?.toJS() as Header;
  const jobs = docs[1]?.toJS() as Record<string, Record<string, unknown>>;

  it('declares the inputs the issue asks for, each with a description and a default', () => {
    const inputs = header.spec.inputs;
    for (const name of ['config', 'scanners', 'comment', 'comment-key', 'stage'])
      expect(inputs[name], name).toBeDefined();
    for (const [name, input] of Object.entries(inputs)) {
      expect(input.description, name).toBeTruthy();
      expect(input.default, name).not.toBeUndefined();
    }
  });

  it('uses only declared inputs, and every declared input is used', () => {
    const used = new Set([...TEXT.matchAll(/\$\[\[\s*inputs\.([\w-]+)\s*\]\]/g)].map((m) => m[1]));
    expect([...used].sort()).toEqual(Object.keys(header.spec.inputs).sort());
  });

  it('defines one job with only GitLab job keywords', () => {
    expect(Object.keys(jobs)).toEqual(['controlgate']);
    const job = jobs.controlgate ?? {};
    for (const key of Object.keys(job)) expect(JOB_KEYWORDS.has(key), key).toBe(true);
    expect(job.stage).toBe('$[[ inputs.stage ]]');
  });

  it('runs in merge-request pipelines and on the default branch', () => {
    const rules = (jobs.controlgate?.rules ?? []) as { if: string }[];
    expect(rules.map((r) => r.if)).toEqual([
      '$CI_PIPELINE_SOURCE == "merge_request_event"',
      '$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH',
    ]);
  });

  it('installs what is missing, runs the controlgate CLI, and keeps the evidence and both reports', () => {
    const job = jobs.controlgate ?? {};
    const steps = [...((job.before_script as string[]) ?? []), ...((job.script as string[]) ?? [])].join(
      '\n',
    );
    // A fresh folder per job: a shell executor keeps /tmp between jobs, and parallel jobs would share it.
    expect(steps).toMatch(/controlgate="\$\(mktemp -d\)\/controlgate"/);
    // The scan installs the scanners it selects (and only those) before it runs them.
    expect(steps).toMatch(/set -- scan .* --install-scanners/);
    expect(steps).toMatch(/node "\$controlgate\/dist\/cli\.js" "\$@"/);
    // The committed bundle runs with Node alone; Debian's Go (1.19) cannot build KICS and is not installed.
    expect(steps).not.toMatch(/npm (ci|install)/);
    expect(steps).not.toMatch(/golang-go/);
    expect(steps).not.toMatch(/CI_JOB_TOKEN/);
    const artifacts = job.artifacts as { when: string; paths: string[]; reports: Record<string, string> };
    expect(artifacts.when).toBe('always');
    expect(artifacts.paths).toContain('controlgate-evidence/');
    expect(artifacts.reports).toEqual({
      sast: 'gl-sast-report.json',
      codequality: 'gl-code-quality-report.json',
    });
  });
});
