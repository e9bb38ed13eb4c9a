import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { runAudit } from '../audit/run-audit.ts';
import { auditSummary } from '../audit/summary-text.ts';
import { clockFromEnv } from '../clock.ts';
import { loadTrustedRoot } from '../evidence/sign/trusted-root.ts';
import { recordMerge } from '../gate/record-merge.ts';
import { policyPaths } from '../gate/settings.ts';
import { evidenceSigner } from '../gate/signing.ts';
import { auditSourceFor, gateDefaults, recordingPlatform } from '../platforms/access.ts';
import { detectContext } from '../platforms/detect.ts';
import { type Io, stderrLog } from './io.ts';
import type { AuditArgs, MergeRecordArgs } from './program.ts';

/* The change-management commands: a merged change's record, and an audit period's population. */

/**
 * `controlgate merge-record`, in a CI job after a merge (the GitLab component's job, a `run:` step
 * on GitHub with the job's token): the record of the change, written and signed.
 */
export function mergeRecordCommand(args: MergeRecordArgs, io: Io): Promise<number> {
  const context = detectContext(io.env);
  const log = stderrLog(io);
  const readText = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);
  const defaults = gateDefaults(context.platform);
  const config = args.config ? path.resolve(io.cwd, args.config) : undefined;
  return recordMerge(
    {
      ...(args.number !== undefined ? { number: args.number } : {}),
      policyPaths: policyPaths(io.cwd, config, readText),
      gateCheckName: args.gateCheck ?? defaults.gateCheck,
      evidenceArtifact: args.evidenceArtifact ?? defaults.evidenceArtifact,
      out: {
        dir: path.resolve(io.cwd, args.out),
        name: path.basename(args.out),
        ...(args.zip ? { zip: path.resolve(io.cwd, args.zip) } : {}),
        upload: false,
      },
    },
    {
      clock: clockFromEnv(io.env),
      platform: recordingPlatform(context, io.env, log),
      log,
      signer: evidenceSigner(io.env, context),
      out: io.out,
    },
  );
}

/** `controlgate audit`: the period's population, report, sample and archive. */
export async function auditCommand(args: AuditArgs, io: Io): Promise<number> {
  const log = stderrLog(io);
  const source = args.github
    ? auditSourceFor(
        { platform: 'github', repository: args.github, ...(args.apiUrl ? { apiUrl: args.apiUrl } : {}) },
        io.env,
        log,
      )
    : args.gitlab
      ? auditSourceFor(
          { platform: 'gitlab', repository: args.gitlab, ...(args.apiUrl ? { apiUrl: args.apiUrl } : {}) },
          io.env,
          log,
        )
      : undefined;
  const signature = args.signature
    ? { policy: args.signature.policy, root: await loadTrustedRoot(args.signature.root) }
    : undefined;
  const out = path.resolve(io.cwd, args.out);
  const result = await runAudit({
    since: args.since,
    until: args.until,
    locations: args.locations.map((l) => path.resolve(io.cwd, l)),
    ...(source ? { source } : {}),
    ...(args.artifacts ? { artifactNames: args.artifacts } : {}),
    ...(args.baseRef ? { baseRef: args.baseRef } : {}),
    ...(args.lookbackDays ? { lookbackDays: args.lookbackDays } : {}),
    ...(args.sample ? { sample: args.sample } : {}),
    ...(signature ? { signature } : {}),
    out,
    zip: args.zip,
    now: clockFromEnv(io.env).now(),
  });
  io.out(auditSummary(result, args.out));
  return 0;
}
