/**
 * Error classes that separate the user's mistakes (bad config, bad SARIF, bad arguments) from bugs,
 * so the CLI can print a precise message without a stack trace for the former.
 */

/** A problem in a configuration file: names the file, the key path, the line and what was expected. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`${file}: invalid configuration\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.file = file;
    this.problems = problems;
  }
}

/** A SARIF log we cannot use: names the file and the JSON path of the first problems. */
export class SarifError extends Error {
  override readonly name = 'SarifError';
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`${file}: not a usable SARIF 2.1.0 log: ${problems.join('; ')}`);
    this.file = file;
    this.problems = problems;
  }
}

/** A controlgate JSON report we cannot use: names the file and the JSON path of the first problem. */
export class ReportError extends Error {
  override readonly name = 'ReportError';
  readonly file: string;
  readonly problems: readonly string[];
  constructor(file: string, problems: readonly string[]) {
    super(`${file}: not a usable controlgate JSON report: ${problems.join('; ')}`);
    this.file = file;
    this.problems = problems;
  }
}

/**
 * An evidence bundle we refuse to read: over a size limit, an entry that escapes it, another
 * repository's. Names the bundle (and the option that gave it, `--baseline`), the limit and what was found.
 */
export class BundleError extends Error {
  override readonly name = 'BundleError';
  readonly file: string;
  readonly problem: string;
  constructor(file: string, problem: string, option?: string) {
    super(`${option ? `${option} ` : ''}${file}: evidence bundle refused: ${problem}`);
    this.file = file;
    this.problem = problem;
  }
}

/** Bad command-line usage: the CLI exits 2 and shows the message with a pointer to --help. */
export class UsageError extends Error {
  // Widened so that more specific mistakes (a bad Action input, an unknown scanner) can name themselves.
  override readonly name: string = 'UsageError';
}

/** Scanner ids that no registry entry answers to (a typo in --scanners or an input): names the valid ones. */
export class UnknownScannerError extends UsageError {
  override readonly name = 'UnknownScannerError';
  readonly unknown: readonly string[];
  readonly valid: readonly string[];
  constructor(unknown: readonly string[], valid: readonly string[]) {
    super(
      `unknown scanner ${unknown.map((id) => quoteForMessage(id)).join(', ')}; valid scanners: ${valid.join(', ')}`,
    );
    this.unknown = unknown;
    this.valid = valid;
  }
}

/** A scanner binary that cannot be found or run; its controls become not-evaluated. */
export class ToolMissingError extends Error {
  override readonly name = 'ToolMissingError';
}

/**
 * A scanner in the tools folder whose files are no longer what its install recorded (an edited entry
 * point, a removed query): it is not run, and its controls become not-evaluated.
 */
export class ToolChangedError extends Error {
  override readonly name = 'ToolChangedError';
}

/** Longest piece of user data (a key, a value) quoted in an error message. */
export const MAX_QUOTED_CHARS = 80;

/** Keys shown bare in a key path; any other key (it can be anything a file says) is quoted. */
export const PLAIN_KEY = /^[\w$@/+.%-]{1,64}$/;

/** Cuts text that carries user data to `max` characters, saying how long it was. */
export function clipForMessage(text: string, max = MAX_QUOTED_CHARS): string {
  if (text.length <= max) return text;
  // Never end on half a surrogate pair.
  const head = text.slice(0, /[\ud800-\udbff]/.test(text.charAt(max - 1)) ? max - 1 : max);
  return `${head}… (${text.length} characters)`;
}

/**
 * JSON-quotes user data for an error message: control characters come out escaped, and a flood is
 * cut to a recognisable head so that one bad value cannot turn the message into megabytes.
 */
export function quoteForMessage(value: unknown, max = MAX_QUOTED_CHARS): string {
  return clipForMessage(JSON.stringify(value) ?? String(value), max);
}

/** Turns anything thrown into one line of text, without leaking stack traces into reports. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

/** The user's mistakes (arguments, inputs, configuration, SARIF, a report or bundle given back): a message, exit 2, no stack. */
export function isUserError(
  error: unknown,
): error is UsageError | ConfigError | SarifError | ReportError | BundleError {
  return (
    error instanceof UsageError ||
    error instanceof ConfigError ||
    error instanceof SarifError ||
    error instanceof ReportError ||
    error instanceof BundleError
  );
}

/** What a top-level catch prints: the message for the user's mistakes, the stack for bugs. */
export function failureText(error: unknown): string {
  if (isUserError(error)) return error.message;
  const detail = error instanceof Error ? (error.stack ?? error.message) : errorMessage(error);
  return `internal error: ${detail}`;
}
