import type { AuditSource } from '../audit/source.ts';
import type { ChangeContext, PlatformId } from '../change-context.ts';
import { UsageError } from '../errors.ts';
import { apiBudget, apiLimits } from './api-limits.ts';
import { githubAuditSource } from './github/audit-source.ts';
import { githubClient } from './github/client.ts';
import { githubPlatform } from './github/platform.ts';
import { gitlabAuditSource } from './gitlab/audit-source.ts';
import { gitlabClient } from './gitlab/client.ts';
import { noteToken } from './gitlab/context.ts';
import { gitlabPlatform } from './gitlab/platform.ts';
import { localPlatform } from './local.ts';
import type { Log, Platform } from './types.ts';

/*
 * The platform APIs for the change-management commands, from the environment: a merge-record job in
 * CI, and `controlgate audit` on an auditor's or engineer's machine with a read token.
 */

/** Where `controlgate audit` finds its tokens and API, for its help (only platforms/ names CI variables). */
export const AUDIT_TOKENS = 'token in GITHUB_TOKEN or GH_TOKEN, or CONTROLGATE_GITLAB_TOKEN / GITLAB_TOKEN';
export const AUDIT_API_DEFAULTS =
  'GITHUB_API_URL or https://api.github.com; CI_SERVER_URL or https://gitlab.com';

/** An audit reads a whole period: more API time than a gate run's publishing gets, unless set. */
const AUDIT_TOTAL_MS = 30 * 60_000;

/** The gate's check and evidence names as each platform's defaults make them (action.yml, templates/controlgate.yml). */
export function gateDefaults(platform: PlatformId): { gateCheck: string; evidenceArtifact: string } {
  return platform === 'gitlab'
    ? { gateCheck: 'controlgate', evidenceArtifact: 'controlgate' }
    : { gateCheck: 'controlgate / SOC 2', evidenceArtifact: 'controlgate-evidence' };
}

function githubToken(env: NodeJS.ProcessEnv): string {
  return (env.GITHUB_TOKEN || env.GH_TOKEN || '').trim();
}

/** The platform a `controlgate merge-record` job reads the change from. */
export function recordingPlatform(context: ChangeContext, env: NodeJS.ProcessEnv, log: Log): Platform {
  if (context.platform === 'github') {
    const token = githubToken(env);
    if (!token)
      throw new UsageError(
        "merge-record reads the pull request through the API: set GITHUB_TOKEN to the job's token in the step's env, or use the Action with mode: merge-record",
      );
    return githubPlatform(context, { token, env });
  }
  if (context.platform === 'gitlab') return gitlabPlatform(context, env, log);
  return localPlatform(context);
}

/** A platform's merged changes and artifacts for `controlgate audit --github/--gitlab`. */
export function auditSourceFor(
  spec: { platform: 'github' | 'gitlab'; repository: string; apiUrl?: string },
  env: NodeJS.ProcessEnv,
  log: Log,
): AuditSource & { repository: string } {
  const limits = { ...apiLimits(env) };
  if (!env.CONTROLGATE_API_TOTAL_TIMEOUT_MS) limits.totalTimeoutMs = AUDIT_TOTAL_MS;
  const budget = apiBudget(limits);
  if (spec.platform === 'github') {
    const token = githubToken(env);
    if (!token)
      throw new UsageError(
        '--github needs a token in GITHUB_TOKEN (or GH_TOKEN) that can read pull requests and Actions artifacts',
      );
    if (!/^[^/\s]+\/[^/\s]+$/.test(spec.repository))
      throw new UsageError(`--github "${spec.repository}": expected owner/name`);
    const client = githubClient(token, log, budget, spec.apiUrl ?? env.GITHUB_API_URL);
    return { ...githubAuditSource(client, spec.repository), repository: spec.repository };
  }
  const token = noteToken(env);
  if (!token)
    throw new UsageError('--gitlab needs a token (read_api) in CONTROLGATE_GITLAB_TOKEN or GITLAB_TOKEN');
  const host = spec.apiUrl ?? env.CI_SERVER_URL ?? 'https://gitlab.com';
  const client = gitlabClient(host, token, budget, (line) => log.info(line.replaceAll(token, '***')));
  return { ...gitlabAuditSource(client, spec.repository), repository: spec.repository };
}
