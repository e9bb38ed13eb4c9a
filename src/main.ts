import { auditCommand, mergeRecordCommand } from './cli/change-management.ts';
import {
  controls,
  explain,
  init,
  install,
  listScanners,
  reevaluate,
  summarize,
  verify,
} from './cli/commands.ts';
import { type Io, stderrLog } from './cli/io.ts';
import { parseCommandLine } from './cli/program.ts';
import { clockFromEnv } from './clock.ts';
import { failureText } from './errors.ts';
import { realExec } from './exec/exec.ts';
import { runGate } from './gate/run-gate.ts';
import { type ScanArgs, settingsFromCli, settingsFromGitlab } from './gate/settings.ts';
import { evidenceSigner } from './gate/signing.ts';
import { toolsDir } from './paths.ts';
import { detectContext } from './platforms/detect.ts';
import { gitlabPlatform } from './platforms/gitlab/platform.ts';
import { localPlatform } from './platforms/local.ts';

export type { Io } from './cli/io.ts';

/**
 * `controlgate scan`: the gate with the platform the job runs on. A GitLab job publishes its MR
 * note and reports; elsewhere (a terminal, a `run:` step on GitHub, which has no Action inputs)
 * the report and the exit code are the output.
 */
function scanCommand(args: ScanArgs, io: Io): Promise<number> {
  const context = detectContext(io.env);
  const log = stderrLog(io);
  const settings =
    context.platform === 'gitlab'
      ? settingsFromGitlab(args, io.cwd)
      : settingsFromCli(args, io.cwd, context.platform !== 'local');
  return runGate(settings, {
    exec: realExec,
    env: io.env,
    toolsDir: toolsDir(io.env),
    clock: clockFromEnv(io.env),
    context,
    platformFor: (c) => (c.platform === 'gitlab' ? gitlabPlatform(c, io.env, log) : localPlatform(c)),
    log,
    signer: evidenceSigner(io.env, context),
    out: io.out,
  });
}

/**
 * The CLI with real dependencies. The only place that decides its exit code: users' mistakes (bad
 * arguments, config, SARIF) get a one-line message and exit 2, bugs a stack trace.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  const command = parseCommandLine(argv, { out: io.out, err: io.err });
  try {
    switch (command.kind) {
      case 'done':
        return command.exitCode;
      case 'scan':
        return await scanCommand(command.args, io);
      case 'scanners-list':
        return await listScanners(io);
      case 'init':
        return await init(command.dir, command.force, io);
      case 'controls':
        return controls(command.markdown, io);
      case 'explain':
        return await explain(command, io);
      case 'evidence-verify':
        return await verify(command.location, io, command.signature);
      case 'evidence-reevaluate':
        return await reevaluate(command.location, io);
      case 'evidence-summarize':
        return await summarize(command.locations, io);
      case 'scanners-install':
        return await install(command.scanners, io);
      case 'merge-record':
        return await mergeRecordCommand(command.args, io);
      case 'audit':
        return await auditCommand(command.args, io);
    }
  } catch (error) {
    io.err(`controlgate: ${failureText(error)}\n`);
    return 2;
  }
}
