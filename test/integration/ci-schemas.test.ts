import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toolsDir } from '../../src/paths.ts';
import { REPO_ROOT } from '../support/cli.ts';
import { interpolate, readComponent } from '../support/gitlab-component.ts';
import { type MarkedBlock, markedBlocks, SCHEMA_KINDS } from '../support/readme-schema-blocks.ts';

/*
 * Every CI file we ship or show, checked against the public schemas GitHub and GitLab publish (as
 * vendored by check-jsonschema, so no network): a misspelt key or a wrong type in a workflow, in
 * action.yml or in the GitLab template would otherwise only show when a user's pipeline breaks.
 * check-jsonschema is installed pinned and hash-checked by `node scripts/install-check-jsonschema.ts`
 * (npm run test:tools).
 */

const CHECK_JSONSCHEMA = path.join(toolsDir(), 'check-jsonschema-venv', 'bin', 'check-jsonschema');
type Schema = 'github-workflows' | 'github-actions' | 'gitlab-ci';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'controlgate-ci-schemas-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs check-jsonschema on one file; a failure carries its whole message, which names the file. */
function validate(schema: Schema, file: string, label = path.relative(REPO_ROOT, file)): void {
  // Never skipped: a machine without the validator fails here, saying how to install it.
  expect(
    existsSync(CHECK_JSONSCHEMA),
    `check-jsonschema is missing (${CHECK_JSONSCHEMA}): run \`node scripts/install-check-jsonschema.ts\` (or npm run test:tools)`,
  ).toBe(true);
  const args = ['--builtin-schema', `vendor.${schema}`, '--color', 'never'];
  // GitLab's own YAML tags (!reference) are read as GitLab reads them.
  if (schema === 'gitlab-ci') args.push('--data-transform', 'gitlab-ci');
  const run = spawnSync(CHECK_JSONSCHEMA, [...args, file], { encoding: 'utf8', timeout: 60_000 });
  const output = `${run.error?.message ?? ''}${run.stdout ?? ''}${run.stderr ?? ''}`.trim();
  expect(run.status, `${label} does not pass the ${schema} schema:\n${output}`).toBe(0);
}

/** Writes a text to be validated under a name that says where it came from (the message shows it). */
function scratchFile(name: string, text: string): string {
  const file = path.join(scratch, name.replace(/[^A-Za-z0-9._-]+/g, '_'));
  writeFileSync(file, text);
  return file;
}

function yamlFiles(folder: string): string[] {
  const dir = path.join(REPO_ROOT, folder);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .map((name) => path.join(dir, name));
}

/** The component includes of a .gitlab-ci.yml that point at controlgate's template, with their inputs. */
function controlgateIncludes(text: string): { component: string; inputs: Record<string, unknown> }[] {
  const doc: unknown = parse(text);
  const include =
    typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).include : undefined;
  const entries = Array.isArray(include) ? include : include === undefined ? [] : [include];
  return entries.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { component, inputs } = entry as Record<string, unknown>;
    if (typeof component !== 'string' || !/\/controlgate@/.test(component)) return [];
    return [{ component, inputs: (inputs ?? {}) as Record<string, unknown> }];
  });
}

const component = readComponent(path.join(REPO_ROOT, 'templates', 'controlgate.yml'));

/** Inputs a include passes that the template does not declare: GitLab rejects the pipeline for them. */
function unknownInputs(inputs: Record<string, unknown>): string[] {
  return Object.keys(inputs).filter((name) => !(name in component.inputs));
}

describe('GitHub workflows and action.yml against the schemas GitHub publishes', () => {
  const workflows = [...yamlFiles('examples/workflows'), ...yamlFiles('.github/workflows')];

  it('finds the example workflows', () => {
    expect(workflows.length, 'examples/workflows has no *.yml').toBeGreaterThan(0);
  });

  it.each(workflows.map((file) => [path.relative(REPO_ROOT, file), file]))('%s', (_label, file) => {
    validate('github-workflows', file);
  });

  it('action.yml', () => {
    validate('github-actions', path.join(REPO_ROOT, 'action.yml'));
  });
});

describe('the GitLab component and its include examples against the gitlab-ci schema', () => {
  // check-jsonschema reads one YAML document per file ("expected a single document in the stream"),
  // and a component is two, so each is checked on its own: the spec as written, and the jobs as GitLab
  // reads them, after `$[[ inputs.* ]]` is replaced by each input's default.
  it('templates/controlgate.yml: the spec document', () => {
    validate('gitlab-ci', scratchFile('templates-controlgate.yml-spec.yml', component.specText));
  });

  it('templates/controlgate.yml: the job document with the inputs at their defaults', () => {
    validate('gitlab-ci', scratchFile('templates-controlgate.yml-job.yml', interpolate(component)));
  });

  const mergeRecord = readComponent(path.join(REPO_ROOT, 'templates', 'controlgate-merge-record.yml'));
  it('templates/controlgate-merge-record.yml: the spec and the job document', () => {
    validate('gitlab-ci', scratchFile('templates-merge-record-spec.yml', mergeRecord.specText));
    validate('gitlab-ci', scratchFile('templates-merge-record-job.yml', interpolate(mergeRecord)));
  });

  const examples = [path.join(REPO_ROOT, 'examples', 'gitlab', '.gitlab-ci.yml')];
  it.each(examples.map((file) => [path.relative(REPO_ROOT, file), file]))('%s', (label, file) => {
    expect(existsSync(file), `${label} is missing`).toBe(true);
    validate('gitlab-ci', file);
    const text = readFileSync(file, 'utf8');
    const includes = controlgateIncludes(text);
    expect(includes.length, `${label} includes no controlgate component`).toBeGreaterThan(0);
    for (const include of includes) {
      // A branch (main) moves under the user; the examples pin a release tag.
      expect(include.component, `${label} should pin a release tag`).toMatch(/@v\d+\.\d+\.\d+$/);
      expect(unknownInputs(include.inputs), `${label}: inputs the template does not declare`).toEqual([]);
    }
  });
});

describe('README examples marked <!-- schema: … -->', () => {
  const readme = path.join(REPO_ROOT, 'README.md');
  const blocks = markedBlocks(readFileSync(readme, 'utf8'), 'README.md');

  it('marks at least one GitHub workflow block and one GitLab block', () => {
    const kinds = new Set(blocks.map((b) => SCHEMA_KINDS[b.kind]));
    expect(kinds.has('github-workflows'), 'README.md has no block marked github-workflow(-job)').toBe(true);
    expect(kinds.has('gitlab-ci'), 'README.md has no block marked gitlab-ci').toBe(true);
  });

  /** What a block is validated as: itself, or a job's keys placed in the smallest valid workflow. */
  function asFile(block: MarkedBlock): string {
    const name = `README.md-line-${block.line}-${block.kind}`;
    if (block.kind !== 'github-workflow-job') return scratchFile(`${name}.yml`, block.text);
    const job: unknown = parse(block.text);
    const workflow = {
      on: 'pull_request',
      jobs: { gate: { 'runs-on': 'ubuntu-latest', ...(job as object) } },
    };
    return scratchFile(`${name}.json`, JSON.stringify(workflow, null, 2));
  }

  it.each(blocks.map((b) => [`line ${b.line} (${b.kind})`, b] as const))('%s', (label, block) => {
    validate(SCHEMA_KINDS[block.kind], asFile(block), `README.md ${label}`);
    if (block.kind === 'gitlab-ci') {
      for (const include of controlgateIncludes(block.text)) {
        expect(
          unknownInputs(include.inputs),
          `README.md ${label}: inputs the template does not declare`,
        ).toEqual([]);
      }
    }
  });
});
