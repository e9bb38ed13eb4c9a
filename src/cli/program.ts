import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { TrustedRootSource } from '../evidence/sign/trusted-root.ts';
import type { IdentityPolicy } from '../evidence/sign/verify-attestation.ts';
import type { ScanArgs } from '../gate/settings.ts';
import { AUDIT_API_DEFAULTS, AUDIT_TOKENS } from '../platforms/access.ts';
import { COMMENT_MODES } from '../platforms/types.ts';
import { CONTROLGATE_VERSION } from '../version.ts';

export type CliCommand =
  | { kind: 'scan'; args: ScanArgs }
  | { kind: 'init'; dir: string; force: boolean }
  | { kind: 'controls'; markdown: boolean }
  | { kind: 'explain'; subject: string; path: string; scanners?: string[]; config?: string }
  | { kind: 'evidence-verify'; location: string; signature?: SignatureCheck }
  | { kind: 'evidence-reevaluate'; location: string }
  | { kind: 'evidence-summarize'; locations: string[] }
  /** `scanners`: the ids to install; absent means every built-in scanner. */
  | { kind: 'scanners-install'; scanners?: string[] }
  | { kind: 'scanners-list' }
  | { kind: 'merge-record'; args: MergeRecordArgs }
  | { kind: 'audit'; args: AuditArgs }
  | { kind: 'done'; exitCode: number };

/** `controlgate merge-record`: after a merge, in CI. */
export interface MergeRecordArgs {
  number?: number;
  out: string;
  zip?: string;
  config?: string;
  gateCheck?: string;
  evidenceArtifact?: string;
}

/** `controlgate audit`: the population of an audit period. */
export interface AuditArgs {
  since: Date;
  until: Date;
  locations: string[];
  /** Read the merged changes and artifacts from this repository (GitHub "owner/name", GitLab project path). */
  github?: string;
  gitlab?: string;
  apiUrl?: string;
  baseRef?: string;
  lookbackDays?: number;
  artifacts?: string[];
  sample?: { size: number; seed: string };
  out: string;
  zip: boolean;
  signature?: SignatureCheck;
}

/** `evidence verify --identity …`: who must have signed, and the roots the signature is checked against. */
export interface SignatureCheck {
  policy: IdentityPolicy;
  root: TrustedRootSource;
}

interface VerifyOptions {
  identity?: string;
  identityRegexp?: string;
  issuer?: string;
  trustedRoot?: string;
  publicGoodRoot?: boolean;
}

/** The signature check `evidence verify` was asked for, or none; half a request is a usage error (thrown). */
function signatureCheck(opts: VerifyOptions): SignatureCheck | undefined {
  const wanted = opts.identity ?? opts.identityRegexp;
  if (wanted === undefined) {
    if (opts.issuer || opts.trustedRoot || opts.publicGoodRoot)
      throw new InvalidArgumentError(
        '--issuer, --trusted-root and --public-good-root need --identity or --identity-regexp',
      );
    return undefined;
  }
  if (opts.identity !== undefined && opts.identityRegexp !== undefined)
    throw new InvalidArgumentError('give --identity or --identity-regexp, not both');
  if (!opts.issuer)
    throw new InvalidArgumentError(
      '--issuer is required with --identity (e.g. https://token.actions.githubusercontent.com, https://gitlab.com)',
    );
  if (opts.trustedRoot && opts.publicGoodRoot)
    throw new InvalidArgumentError('give --trusted-root or --public-good-root, not both');
  if (!opts.trustedRoot && !opts.publicGoodRoot)
    throw new InvalidArgumentError(
      'a signature needs roots to check it against: --trusted-root <file> (offline) or --public-good-root (fetches the public Sigstore root through TUF)',
    );
  if (opts.identityRegexp !== undefined) {
    try {
      new RegExp(opts.identityRegexp);
    } catch (error) {
      throw new InvalidArgumentError(
        `--identity-regexp: not a regular expression: ${(error as Error).message}`,
      );
    }
  }
  return {
    policy: {
      ...(opts.identity !== undefined ? { identity: opts.identity } : {}),
      ...(opts.identityRegexp !== undefined ? { identityRegexp: opts.identityRegexp } : {}),
      issuer: opts.issuer,
    },
    root: opts.trustedRoot ? { kind: 'file', path: opts.trustedRoot } : { kind: 'public-good' },
  };
}

const VERIFY_HELP = `
Signatures: in CI with an OIDC identity (GitHub: permissions: id-token: write; GitLab: id_tokens:
SIGSTORE_ID_TOKEN with aud: sigstore) the run signs an in-toto statement over manifest.json
(predicate type https://controlgate.dev/evidence/v1) with Sigstore and stores the Sigstore bundle as
attestation.sigstore.json, the one file outside the manifest. --identity checks it: the DSSE
signature, the certificate chain to the trusted root, the certificate's identity (SAN, matched
whole) and issuer, the transparency-log entry (offline, from the bundle), and that the statement's
subject is this manifest and its decision this bundle's.

  controlgate evidence verify controlgate-evidence \\
    --identity https://github.com/OWNER/REPO/.github/workflows/gate.yml@refs/heads/main \\
    --issuer https://token.actions.githubusercontent.com --public-good-root

Exit codes:
  0  intact (and, with --identity, signed by that identity)
  1  not intact, inconsistent, or the signature is invalid, from another identity, or for other content
  2  bad arguments, or the bundle cannot be read
  3  intact but not signed, when --identity asked for a signature
`;

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`expected a whole number of 1 or more, got "${value}"`);
  return n;
}

function idList(value: string): string[] {
  const ids = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (ids.length === 0)
    throw new InvalidArgumentError('expected a comma-separated list of scanner ids, e.g. semgrep,bandit');
  return ids;
}

function nameList(value: string): string[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('expected a comma-separated list of names');
  return names;
}

/** A day (YYYY-MM-DD, the whole day in UTC) or an ISO 8601 time; `end` makes a day mean its last millisecond. */
function periodDate(end: boolean) {
  return (value: string): Date => {
    const day = /^\d{4}-\d{2}-\d{2}$/.test(value);
    const at = new Date(day ? `${value}T00:00:00.000Z` : value);
    if (Number.isNaN(at.getTime()) || (day && at.toISOString().slice(0, 10) !== value))
      throw new InvalidArgumentError(`expected a date (YYYY-MM-DD) or an ISO 8601 time, got "${value}"`);
    return day && end ? new Date(at.getTime() + 86_400_000 - 1) : at;
  };
}

const AUDIT_HELP = `
The population of an audit period: every change merged between --since and --until (whole days in
UTC), one row each, with the gate's decision on the head that merged, the approvals and the
exceptions. Bundles come from the folders and zips given and, with --github or --gitlab, from the
platform's artifacts (${AUDIT_TOKENS}), which also
lists the merged changes to reconcile with. Writes population.csv, population.json, report.html and
archive/ (everything with a manifest, to keep past the artifacts' retention) to --out.

  controlgate audit --since 2026-07-01 --until 2026-09-30 --github octo/shop \\
    --sample 25 --seed "Q3 2026 audit" --out audit-2026q3

Exit codes: 0 written (exceptions are listed, not failures), 2 bad arguments or unreadable input.
`;

const EXIT_CODES_HELP = `
Exit codes (in this precedence):
  2  could not evaluate: bad arguments or configuration, or a failed scanner left a blocking criterion not evaluated
  1  the change is blocked: a criterion in block mode fails
  0  the change passes
`;

/**
 * Parses argv into one typed command. Commander's own exits (help, version, usage errors) are
 * turned into a `done` result so the caller alone decides the process exit code.
 */
export function parseCommandLine(
  argv: readonly string[],
  write: { out: (s: string) => void; err: (s: string) => void },
): CliCommand {
  let parsed: CliCommand | undefined;
  const program = new Command('controlgate')
    .description(
      'Security gate for pull and merge requests: runs scanners, normalizes SARIF, maps findings to SOC 2.',
    )
    .version(CONTROLGATE_VERSION, '-V, --version')
    .configureOutput({ writeOut: write.out, writeErr: write.err })
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('scan')
    .description('scan a folder or file with the configured scanners')
    .argument('[path]', 'folder or file to scan', '.')
    .option(
      '-s, --scanners <ids>',
      'comma-separated scanner ids to run (default: every enabled scanner); "none" with --sarif uses only those',
      idList,
    )
    .option(
      '--sarif <files...>',
      'add SARIF logs produced earlier (CodeQL, ESLint, any tool) as inputs, normalized and gated like the rest',
    )
    .addOption(
      new Option(
        '-f, --format <format>',
        'output format; markdown is the pull/merge request comment (its --comment-key marker included), to preview it',
      )
        .choices(['text', 'json', 'sarif', 'markdown'])
        .default('text'),
    )
    .option(
      '-o, --output <file>',
      'write the formatted result to a file (a text summary still goes to stdout)',
    )
    .option('--out-dir <dir>', 'keep raw scanner output there, with controlgate.json and controlgate.sarif')
    .option(
      '-c, --config <file>',
      'configuration file (default: .controlgate.yml in the path or at the repository root)',
    )
    .option('--concurrency <n>', 'how many scanners run at once (default: all)', positiveInt)
    .option(
      '-b, --base <ref>',
      "judge only what the change since this ref's merge base introduces (default in CI: the pull/merge request's base)",
    )
    .option('--no-base', 'judge everything, even on a pull/merge request')
    .option(
      '--policy-from-head',
      "judge with this checkout's own .controlgate.yml and waivers instead of the base's (local experiments; refused in CI)",
    )
    .option(
      '--baseline <dir|zip>',
      "compare with an earlier run's evidence bundle (e.g. the default branch's last artifact) instead of scanning the base",
    )
    .option(
      '-w, --waivers <file>',
      "waivers file (default: the config's `waivers`, else .controlgate-waivers.yml beside it)",
    )
    .option(
      '-e, --evidence <dir>',
      'write the evidence bundle there (default in GitHub Actions and GitLab CI: controlgate-evidence)',
    )
    .option('--no-evidence', 'do not write an evidence bundle, even in CI')
    .option('--evidence-zip <file>', 'also write the bundle as one reproducible zip')
    .option(
      '--comment-key <key>',
      "GitLab: tells this job's merge-request note apart from others (also the marker --format markdown prints)",
      'default',
    )
    .addOption(
      new Option(
        '--comment <mode>',
        'GitLab: update keeps one merge-request note up to date; review adds diff discussions on the changed lines of new blocking problems; both does both; off posts nothing',
      )
        .choices([...COMMENT_MODES])
        .default('update'),
    )
    .option(
      '--reports-dir <dir>',
      'GitLab: where gl-sast-report.json and gl-code-quality-report.json go (default: the working directory)',
    )
    .addOption(
      new Option(
        '--fail-mode <mode>',
        'enforce: exit 1/2 when the gate blocks; report-only: exit 0; auto: report-only on CI pushes and schedules (no change to judge), else enforce',
      )
        .choices(['auto', 'enforce', 'report-only'])
        .default('auto'),
    )
    .option(
      '--install-scanners',
      'first install the selected built-in scanners that are missing (pinned, verified), as the Action does',
    )
    .option('--no-progress', 'do not print a progress line per scanner on stderr')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((path: string, opts: Omit<ScanArgs, 'path'>) => {
      parsed = { kind: 'scan', args: { ...opts, path } };
    });

  program
    .command('init')
    .description('write a commented starter .controlgate.yml')
    .argument('[dir]', 'folder to write it in', '.')
    .option('--force', 'overwrite an existing file')
    .action((dir: string, opts: { force?: boolean }) => {
      parsed = { kind: 'init', dir, force: opts.force === true };
    });

  program
    .command('controls')
    .description('list SOC 2 criteria with the mapping rows and scanners that feed each')
    .option('--markdown', 'print the docs/soc2-mapping.md form')
    .action((opts: { markdown?: boolean }) => {
      parsed = { kind: 'controls', markdown: opts.markdown === true };
    });

  program
    .command('explain')
    .description('say why: a criterion (CC6.1), a rule (bandit:B105) or a finding fingerprint')
    .argument('<subject>', 'criterion id, scanner:ruleId, or fingerprint')
    .argument('[path]', 'folder to scan for rule and fingerprint subjects', '.')
    .option('-s, --scanners <ids>', 'scanners to run (default: every enabled scanner)', idList)
    .option('-c, --config <file>', 'configuration file')
    .action((subject: string, path: string, opts: { scanners?: string[]; config?: string }) => {
      parsed = { kind: 'explain', subject, path, ...opts };
    });

  const evidence = program.command('evidence').description('check, re-derive and summarize evidence bundles');
  const verifyCommand = evidence
    .command('verify')
    .description(
      'check every hash of a bundle, that no file is missing or extra, and (with --identity) its signature',
    )
    .argument('<bundle>', 'bundle folder or zip')
    .option('--identity <uri>', "the signer's certificate identity, exactly (GitHub: the workflow ref URI)")
    .option(
      '--identity-regexp <regexp>',
      "the signer's certificate identity, as a regular expression matched whole",
    )
    .option('--issuer <url>', "the OIDC issuer in the signer's certificate")
    .option('--trusted-root <file>', 'Sigstore trusted_root.json to check the signature against (offline)')
    .option(
      '--public-good-root',
      'check against the public Sigstore root, fetched through its TUF repository',
    )
    .addHelpText('after', VERIFY_HELP)
    .action((location: string, opts: VerifyOptions) => {
      let signature: SignatureCheck | undefined;
      try {
        signature = signatureCheck(opts);
      } catch (error) {
        if (!(error instanceof InvalidArgumentError)) throw error;
        // Commander prints it like its own usage errors, and the parse ends with exit 2.
        verifyCommand.error(`error: ${error.message}`, { exitCode: 2, code: 'controlgate.usage' });
      }
      parsed = { kind: 'evidence-verify', location, ...(signature ? { signature } : {}) };
    });
  evidence
    .command('reevaluate')
    .description(
      'recompute the decision from the bundle alone (its findings, policy, mapping and waivers in inputs/), offline; exit 1 listing each difference',
    )
    .argument('<bundle>', 'bundle folder or zip')
    .action((location: string) => {
      parsed = { kind: 'evidence-reevaluate', location };
    });
  evidence
    .command('summarize')
    .description('per criterion, how many changes passed, were blocked, or passed under waiver')
    .argument('<bundles...>', 'bundle folders or zips')
    .action((locations: string[]) => {
      parsed = { kind: 'evidence-summarize', locations };
    });

  program
    .command('merge-record')
    .description(
      "after a merge, in CI: record the change's approvals, who merged it, separation of duties and the gate's result on the merged head, with the exceptions, as a signed bundle",
    )
    .option(
      '--number <n>',
      'the pull or merge request to record (default: the one the CI event is about)',
      positiveInt,
    )
    .option('--out <dir>', 'folder of the record bundle', 'controlgate-merge-record')
    .option('--zip <file>', 'also write the record as one reproducible zip')
    .option(
      '-c, --config <file>',
      'the gate configuration (default: .controlgate.yml at the repository root)',
    )
    .option('--gate-check <name>', "the gate's status context (GitHub) or job name (GitLab)")
    .option('--evidence-artifact <name>', "the gate's evidence artifact (GitHub) or job name (GitLab)")
    .action((opts: MergeRecordArgs) => {
      parsed = { kind: 'merge-record', args: opts };
    });

  const auditCommand = program
    .command('audit')
    .description(
      "an audit period's population of merged changes, its exceptions, a reproducible sample and an archive",
    )
    .argument('[locations...]', 'evidence bundles and merge records: folders (searched) and zips')
    .requiredOption('--since <date>', 'first day of the period (YYYY-MM-DD, UTC)', periodDate(false))
    .requiredOption('--until <date>', 'last day of the period (YYYY-MM-DD, UTC, inclusive)', periodDate(true))
    .option('--github <owner/name>', 'read merged pull requests and artifacts from this GitHub repository')
    .option(
      '--gitlab <project>',
      'read merged merge requests and job artifacts from this GitLab project (path or id)',
    )
    .option('--api-url <url>', `the API root (default: ${AUDIT_API_DEFAULTS})`)
    .option('--base-ref <branch>', 'only changes merged into this branch')
    .option(
      '--lookback-days <n>',
      "how many days before --since to look for gate runs on the period's merged heads (default 90)",
      positiveInt,
    )
    .option(
      '--artifacts <names>',
      'artifact (GitHub) or job (GitLab) names to download, comma-separated',
      nameList,
    )
    .option('--sample <n>', 'draw a reproducible sample of n changes', positiveInt)
    .option('--seed <text>', 'the seed of the sample (write it down: the same seed draws the same sample)')
    .option('--out <dir>', 'output folder', 'controlgate-audit')
    .option('--zip', 'also write the archive as one reproducible zip')
    .option('--identity <uri>', "check the bundles' signatures: the signer's certificate identity, exactly")
    .option(
      '--identity-regexp <regexp>',
      "the signer's certificate identity, as a regular expression matched whole",
    )
    .option('--issuer <url>', "the OIDC issuer in the signer's certificate")
    .option('--trusted-root <file>', 'Sigstore trusted_root.json to check signatures against (offline)')
    .option(
      '--public-good-root',
      'check against the public Sigstore root, fetched through its TUF repository',
    )
    .addHelpText('after', AUDIT_HELP)
    .action(
      (
        locations: string[],
        opts: Omit<AuditArgs, 'locations' | 'sample' | 'signature' | 'zip' | 'artifacts'> &
          VerifyOptions & { sample?: number; seed?: string; zip?: boolean; artifacts?: string[] },
      ) => {
        const fail = (message: string) =>
          auditCommand.error(`error: ${message}`, { exitCode: 2, code: 'controlgate.usage' });
        if (opts.since.getTime() > opts.until.getTime()) fail('--since is after --until');
        if (opts.github && opts.gitlab) fail('give --github or --gitlab, not both');
        if ((opts.sample === undefined) !== (opts.seed === undefined))
          fail(
            '--sample and --seed go together: the seed is what lets an auditor draw the same sample again',
          );
        if (!opts.github && !opts.gitlab && locations.length === 0)
          fail('nothing to read: give bundle folders or zips, or --github / --gitlab to read the platform');
        let signature: SignatureCheck | undefined;
        try {
          signature = signatureCheck(opts);
        } catch (error) {
          if (!(error instanceof InvalidArgumentError)) throw error;
          fail(error.message);
        }
        parsed = {
          kind: 'audit',
          args: {
            since: opts.since,
            until: opts.until,
            locations,
            ...(opts.github ? { github: opts.github } : {}),
            ...(opts.gitlab ? { gitlab: opts.gitlab } : {}),
            ...(opts.apiUrl ? { apiUrl: opts.apiUrl } : {}),
            ...(opts.baseRef ? { baseRef: opts.baseRef } : {}),
            ...(opts.lookbackDays ? { lookbackDays: opts.lookbackDays } : {}),
            ...(opts.artifacts ? { artifacts: opts.artifacts } : {}),
            ...(opts.sample !== undefined && opts.seed !== undefined
              ? { sample: { size: opts.sample, seed: opts.seed } }
              : {}),
            out: opts.out,
            zip: opts.zip === true,
            ...(signature ? { signature } : {}),
          },
        };
      },
    );

  const scanners = program.command('scanners').description('manage the scanners controlgate runs');
  scanners
    .command('install')
    .description(
      'install the pinned scanners into the project tools folder (default: every built-in scanner)',
    )
    .argument('[ids...]', 'only these scanners, comma- or space-separated, e.g. semgrep,bandit')
    .action((ids: string[]) => {
      const scanners = ids
        .flatMap((arg) => arg.split(','))
        .map((id) => id.trim())
        .filter(Boolean);
      parsed = { kind: 'scanners-install', ...(scanners.length > 0 ? { scanners } : {}) };
    });
  scanners
    .command('list')
    .description('list the built-in scanners and whether each is available')
    .action(() => {
      parsed = { kind: 'scanners-list' };
    });

  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help';
      return { kind: 'done', exitCode: ok ? 0 : 2 };
    }
    throw error;
  }
  if (!parsed) {
    program.outputHelp();
    return { kind: 'done', exitCode: 2 };
  }
  return parsed;
}
