import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gitlabCodeQualityReport } from '../../report/gitlab/codequality.ts';
import { gitlabSastReport } from '../../report/gitlab/sast.ts';
import type { JsonReport } from '../../report/json-report.ts';
import { commentMarker, renderComment } from '../../report/markdown/comment.ts';
import { apiBudget, apiLimits } from '../api-limits.ts';
import { upsertStickyComment } from '../sticky-comment.ts';
import { gitlabClient } from './client.ts';
import { gitlabContext } from './context.ts';
import { gitlabNoteStore } from './notes.ts';

/** GitLab allows notes of up to 1,000,000 characters. */
const NOTE_LIMIT = 1_000_000;

export interface GitlabOptions {
  commentKey: string;
  comment: 'update' | 'off';
  /** Where gl-sast-report.json and gl-code-quality-report.json go (the job's working directory). */
  reportsDir: string;
  log: (line: string) => void;
}

/** True inside a GitLab CI job. */
export function inGitlabCi(env: NodeJS.ProcessEnv): boolean {
  return env.GITLAB_CI === 'true';
}

/** The token for MR notes: a masked project access token. CI_JOB_TOKEN cannot write notes. */
function noteToken(env: NodeJS.ProcessEnv): string | undefined {
  return env.CONTROLGATE_GITLAB_TOKEN || env.GITLAB_TOKEN || undefined;
}

/**
 * Everything a merge request shows: the SAST and Code Quality reports (declared as job artifacts by
 * the template) and one sticky MR note. Problems posting the note are logged; the exit code decides.
 */
export async function publishToGitlab(
  report: JsonReport,
  env: NodeJS.ProcessEnv,
  options: GitlabOptions,
): Promise<void> {
  await mkdir(options.reportsDir, { recursive: true });
  await writeFile(
    path.join(options.reportsDir, 'gl-sast-report.json'),
    `${JSON.stringify(gitlabSastReport(report), null, 2)}\n`,
  );
  await writeFile(
    path.join(options.reportsDir, 'gl-code-quality-report.json'),
    `${JSON.stringify(gitlabCodeQualityReport(report), null, 2)}\n`,
  );
  const context = gitlabContext(env);
  if (options.comment === 'off' || context.changeNumber === null) return;
  const token = noteToken(env);
  if (!token) {
    options.log(
      'controlgate: no merge-request note: CI_JOB_TOKEN cannot write notes. Create a project access token with the api scope and store it as the masked CI/CD variable CONTROLGATE_GITLAB_TOKEN.',
    );
    return;
  }
  const host = env.CI_SERVER_URL;
  const project = env.CI_MERGE_REQUEST_PROJECT_ID ?? env.CI_PROJECT_ID ?? env.CI_PROJECT_PATH;
  if (!host || !project) {
    options.log('controlgate: no merge-request note: CI_SERVER_URL or CI_PROJECT_ID is not set');
    return;
  }
  const body = renderComment(report, {
    commentKey: options.commentKey,
    // GitLab's file URLs live under /-/blob/; the renderer appends /blob/<sha>/<path>.
    ...(context.repoUrl ? { repoUrl: `${context.repoUrl.replace(/\/$/, '')}/-` } : {}),
    ...(context.headSha ? { headSha: context.headSha } : {}),
    ...(context.runUrl ? { runUrl: context.runUrl } : {}),
    detailsHint: 'the job artifacts (controlgate-evidence)',
    maxChars: NOTE_LIMIT,
  });
  try {
    // A bounded wait: a dead or throttling GitLab delays the job, it never holds it.
    const gitlab = gitlabClient(host, token, apiBudget(apiLimits(env)), (line) =>
      options.log(line.replaceAll(token, '***')),
    );
    const store = gitlabNoteStore(gitlab, project, context.changeNumber);
    const outcome = await upsertStickyComment(store, commentMarker(options.commentKey), body);
    options.log(`controlgate: merge-request note ${outcome}`);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).replaceAll(token, '***');
    options.log(`controlgate: could not post the merge-request note: ${message}`);
  }
}
