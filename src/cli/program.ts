import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CONTROLGATE_VERSION } from '../version.ts';

export type OutputFormat = 'text' | 'json' | 'sarif';

export interface ScanArgs {
  path: string;
  scanners?: string[];
  format: OutputFormat;
  output?: string;
  outDir?: string;
  config?: string;
  concurrency?: number;
  progress: boolean;
}

export type CliCommand =
  | { kind: 'scan'; args: ScanArgs }
  | { kind: 'scanners-install' }
  | { kind: 'scanners-list' }
  | { kind: 'done'; exitCode: number };

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

const EXIT_CODES_HELP = `
Exit codes:
  0  every scanner ran and its results were evaluated
  2  could not evaluate: a scanner failed (missing, crashed, timed out, unreadable SARIF) or bad arguments/config
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
      'comma-separated scanner ids to run (default: every enabled scanner)',
      idList,
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'),
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
    .option('--no-progress', 'do not print a progress line per scanner on stderr')
    .addHelpText('after', EXIT_CODES_HELP)
    .action((path: string, opts: Omit<ScanArgs, 'path'>) => {
      parsed = { kind: 'scan', args: { ...opts, path } };
    });

  const scanners = program.command('scanners').description('manage the scanners controlgate runs');
  scanners
    .command('install')
    .description('install Semgrep, Bandit and KICS (pinned) into the project tools folder')
    .action(() => {
      parsed = { kind: 'scanners-install' };
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
