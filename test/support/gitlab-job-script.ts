import { parse } from 'yaml';

/*
 * A GitLab job's shell part, as a runner with the bash shell (shell, docker or kubernetes executor)
 * runs it: `before_script` and `script` concatenated into one script in one shell session (so `set --`
 * and `cd` carry over from line to line), under `set -eo pipefail`, each line echoed first; the job's
 * `variables` exported after GitLab has expanded `$NAME` in them. The job-script test runs the template
 * this way, which is what catches a line that only works on the author's machine.
 */

export interface GitLabJob {
  variables: Record<string, string>;
  beforeScript: string[];
  script: string[];
  /** artifacts:paths, as the job lists them. */
  artifactPaths: string[];
  /** artifacts:reports, e.g. { sast: 'gl-sast-report.json' }. */
  reports: Record<string, string>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function lines(value: unknown, where: string): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((line, i) => {
    if (typeof line !== 'string') throw new Error(`${where}[${i}] is not a string`);
    return line;
  });
}

/** One job of an (interpolated) jobs document; throws naming what is missing. */
export function readJob(jobsYaml: string, name: string): GitLabJob {
  const doc: unknown = parse(jobsYaml);
  const job = isRecord(doc) ? doc[name] : undefined;
  if (!isRecord(job)) throw new Error(`no job named "${name}"`);
  const variables: Record<string, string> = {};
  for (const [key, value] of Object.entries(isRecord(job.variables) ? job.variables : {})) {
    // GitLab reads `GIT_DEPTH: 0` as the string "0"; { value, description } is the long form.
    variables[key] = String(isRecord(value) ? value.value : value);
  }
  const artifacts = isRecord(job.artifacts) ? job.artifacts : {};
  const reports: Record<string, string> = {};
  for (const [key, value] of Object.entries(isRecord(artifacts.reports) ? artifacts.reports : {})) {
    reports[key] = String(value);
  }
  return {
    variables,
    beforeScript: lines(job.before_script, `${name}.before_script`),
    script: lines(job.script, `${name}.script`),
    artifactPaths: lines(artifacts.paths, `${name}.artifacts.paths`),
    reports,
  };
}

/**
 * The job's variables with `$NAME` and `${NAME}` expanded from the pipeline's variables and the ones
 * defined before them, as GitLab does before the job starts (`$$` is a literal `$`; unknown names
 * become empty).
 */
export function expandVariables(
  variables: Record<string, string>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const known: Record<string, string | undefined> = { ...env };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(variables)) {
    const expanded = value.replace(
      /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
      (all, braced: string | undefined, bare: string | undefined) =>
        all === '$$' ? '$' : (known[braced ?? bare ?? ''] ?? ''),
    );
    out[key] = expanded;
    known[key] = expanded;
  }
  return out;
}

/** Single-quotes a string for bash. */
function quote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** before_script + script as one bash script, in the runner's shape. */
export function runnerScript(job: GitLabJob): string {
  const body = [...job.beforeScript, ...job.script].flatMap((line) => [`echo ${quote(`$ ${line}`)}`, line]);
  return ['set -eo pipefail', 'set +o noclobber', ...body, ''].join('\n');
}
