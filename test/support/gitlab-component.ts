import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

/*
 * A GitLab CI/CD component file is two YAML documents: `spec:` (its inputs and their defaults), then
 * `---` and the jobs, in which GitLab replaces `$[[ inputs.<name> ]]` before it reads them. Tests that
 * check or run the template (the schema test, the job-script test) need both halves and the
 * interpolation, done the same way.
 */

export interface ComponentInput {
  description?: string;
  default?: string;
}

export interface GitLabComponent {
  file: string;
  /** The first document's text, as written. */
  specText: string;
  inputs: Record<string, ComponentInput>;
  /** The second document's text, still with its `$[[ inputs.* ]]` placeholders. */
  jobsText: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a component file into its spec and its jobs; throws, naming the file, on any other shape. */
export function readComponent(file: string): GitLabComponent {
  const text = readFileSync(file, 'utf8');
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length !== 2) {
    throw new Error(`${file}: a component is two YAML documents (spec, ---, jobs); found ${docs.length}`);
  }
  const [specDoc, jobsDoc] = docs;
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  const spec: unknown = specDoc?.toJS();
  const specInputs = isRecord(spec) && isRecord(spec.spec) ? spec.spec.inputs : undefined;
  if (!isRecord(specInputs)) throw new Error(`${file}: the first document has no spec.inputs`);
  const inputs: Record<string, ComponentInput> = {};
  for (const [name, value] of Object.entries(specInputs)) {
    if (!isRecord(value)) throw new Error(`${file}: spec.inputs.${name} is not a mapping`);
    inputs[name] = {
      ...(typeof value.description === 'string' ? { description: value.description } : {}),
      ...(value.default !== undefined ? { default: String(value.default) } : {}),
    };
  }
  // Ranges in characters of the source: the jobs document starts after the `---` line.
  const jobsStart = jobsDoc?.range[0] ?? text.length;
  const specText = text.slice(0, specDoc?.range[2] ?? 0);
  return { file, specText, inputs, jobsText: text.slice(jobsStart) };
}

const PLACEHOLDER = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*\]\]/g;

/**
 * The jobs document as GitLab would read it: each placeholder replaced by the given value, else the
 * input's default. An input without either, or a placeholder naming no input, is an error, as in GitLab.
 */
export function interpolate(component: GitLabComponent, values: Record<string, string> = {}): string {
  for (const name of Object.keys(values)) {
    if (!(name in component.inputs)) throw new Error(`${component.file}: no input named "${name}"`);
  }
  return component.jobsText.replace(PLACEHOLDER, (_all, name: string) => {
    const input = component.inputs[name];
    if (!input) throw new Error(`${component.file}: $[[ inputs.${name} ]] names no input of the spec`);
    const value = values[name] ?? input.default;
    if (value === undefined)
      throw new Error(`${component.file}: input "${name}" has no default and no value`);
    return value;
  });
}
