/**
 * Waivers: a reviewable file in which a security lead consciously accepts a risk for a limited time.
 * Every waiver names who approved it, why, the ticket tracking it and when it expires; an expired
 * waiver stops applying, so an accepted risk cannot silently become permanent.
 */
import { readFile } from 'node:fs/promises';
import picomatch from 'picomatch';
import { type Document, isScalar } from 'yaml';
import { z } from 'zod';
import { ConfigError, clipForMessage, quoteForMessage } from '../errors.ts';
import { globCostProblem, globToRegExp } from '../glob.ts';
import { describeIssue, keyPath, nodeAt, parseYamlSource } from '../yaml-source.ts';
import type { Finding } from './finding.ts';

export interface Waiver {
  id?: string;
  fingerprint?: string;
  scanner?: string;
  rule?: string;
  path?: string;
  reason: string;
  approver: string;
  ticket: string;
  /** YYYY-MM-DD; valid through the end of that day, UTC. */
  expires: string;
  /** 1-based line of the waiver in its file, for reports. */
  line: number;
}

export const DEFAULT_WAIVERS_FILE = '.controlgate-waivers.yml';

export interface WaiverOutcome {
  /** fingerprint of each waived finding → the waiver that applies (the first matching, in file order). */
  applied: Map<string, Waiver>;
  /** waivers past their expiry: they do not apply; listed with the findings they would have matched (fingerprints). */
  expired: { waiver: Waiver; matched: string[] }[];
  /** unexpired waivers that matched no finding. */
  stale: Waiver[];
}

const FINGERPRINT = /^[0-9a-f]{32}$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;
const MIN_REASON = 10;

/** Start of the day in UTC (ms) when `text` is a real calendar date YYYY-MM-DD, else undefined. */
function dayStart(text: string): number | undefined {
  const m = DAY.exec(text);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  // Date.UTC rolls 2027-02-30 over to March; a real date survives the round trip unchanged.
  if (back.getUTCFullYear() !== year || back.getUTCMonth() !== month - 1 || back.getUTCDate() !== day) {
    return undefined;
  }
  return ms;
}

function formatDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The latest expiry allowed at `now`: the same calendar day one year on (Feb 29 → Feb 28). */
function latestExpiry(now: Date): string {
  const year = now.getUTCFullYear() + 1;
  const month = now.getUTCMonth();
  const lastOfMonth = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return formatDay(Date.UTC(year, month, Math.min(now.getUTCDate(), lastOfMonth)));
}

/** Why a glob is unusable, or undefined when it compiles to something that can match. */
function globProblem(glob: string, kind: 'rule' | 'path'): string | undefined {
  if (glob.trim() === '') return `expected a non-empty glob (got ${quoteForMessage(glob)})`;
  if (kind === 'path' && glob.startsWith('/')) {
    return `expected a glob on repo-relative paths, without a leading "/" (got ${quoteForMessage(glob)})`;
  }
  const cost = globCostProblem(glob);
  if (cost) return `glob ${quoteForMessage(glob)} refused: ${cost}`;
  let re: RegExp;
  try {
    // strictBrackets turns an unbalanced [ ( { into an error instead of a silent literal.
    picomatch.makeRe(glob, { dot: true, strictBrackets: true });
    re = globToRegExp(glob);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    return `invalid glob ${quoteForMessage(glob)}: ${clipForMessage(why, 200)}`;
  }
  // picomatch falls back to /$^/ (matches nothing) when it cannot build a pattern.
  if (re.source === '$^') return `invalid glob ${quoteForMessage(glob)}: it can never match`;
  return undefined;
}

function makeSchema(now: Date) {
  const latest = latestExpiry(now);
  const nonEmpty = z.string().trim().min(1, 'expected a non-empty string');
  const glob = (kind: 'rule' | 'path') =>
    z.string().superRefine((value, ctx) => {
      const problem = globProblem(value, kind);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
  const expires = z.unknown().transform((value, ctx) => {
    const text =
      typeof value === 'string'
        ? value.trim()
        : value instanceof Date && !Number.isNaN(value.getTime()) && value.getTime() % DAY_MS === 0
          ? formatDay(value.getTime())
          : undefined;
    if (text === undefined || dayStart(text) === undefined) {
      const shown = value instanceof Date ? value.toISOString() : value;
      const got = shown === undefined ? 'missing' : `got ${quoteForMessage(shown)}`;
      ctx.addIssue({ code: 'custom', message: `expected a real calendar date YYYY-MM-DD (${got})` });
      return z.NEVER;
    }
    // Same-format ISO dates compare correctly as strings.
    if (text > latest) {
      ctx.addIssue({
        code: 'custom',
        message: `expires more than a year ahead: ${text}; waivers must be renewed at least yearly (latest allowed: ${latest})`,
      });
      return z.NEVER;
    }
    return text;
  });
  const waiver = z.strictObject({
    id: nonEmpty.optional(),
    fingerprint: z
      .string()
      .regex(FINGERPRINT, 'expected a fingerprint of 32 lowercase hex characters')
      .optional(),
    scanner: nonEmpty.optional(),
    rule: glob('rule').optional(),
    path: glob('path').optional(),
    reason: z.string().trim().min(MIN_REASON, `expected a reason of at least ${MIN_REASON} characters`),
    approver: nonEmpty,
    ticket: nonEmpty,
    expires,
  });
  return z.strictObject({
    version: z.literal(1),
    // `waivers:` with every entry commented out is YAML null: no waivers, not an error.
    waivers: z.array(waiver).nullish(),
  });
}

interface Problem {
  keys: readonly PropertyKey[];
  message: string;
  /** For an unknown key: the key itself, whose own line is the one to show. */
  unknownKey?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date);
}

/** Rules spanning several keys, checked on the raw data so they are reported next to per-key problems. */
function crossFieldProblems(data: unknown): Problem[] {
  if (!isRecord(data) || !Array.isArray(data.waivers)) return [];
  const problems: Problem[] = [];
  const firstById = new Map<string, number>();
  data.waivers.forEach((item: unknown, i) => {
    if (!isRecord(item)) return;
    const has = (key: string) => item[key] !== undefined && item[key] !== null;
    const at = (key?: string) => (key === undefined ? ['waivers', i] : ['waivers', i, key]);
    if (has('fingerprint')) {
      const extra = ['rule', 'path', 'scanner'].filter(has);
      if (extra.length > 0) {
        problems.push({
          keys: at('fingerprint'),
          message: `a fingerprint waiver cannot also have ${extra.join(', ')}; use either fingerprint or rule + path`,
        });
      }
    } else if (has('rule') && !has('path')) {
      problems.push({
        keys: at('rule'),
        message: 'rule requires path as well (use path: "**" for every file)',
      });
    } else if (has('path') && !has('rule')) {
      problems.push({
        keys: at('path'),
        message: 'path requires rule as well (use rule: "**" for every rule)',
      });
    } else if (!has('rule')) {
      problems.push({ keys: at(), message: 'expected either fingerprint, or rule + path' });
    }
    if (typeof item.id === 'string' && item.id.trim() !== '') {
      const id = item.id.trim();
      const first = firstById.get(id);
      if (first === undefined) firstById.set(id, i);
      else
        problems.push({
          keys: at('id'),
          message: `duplicate id ${quoteForMessage(id)} (also waivers[${first}])`,
        });
    }
  });
  return problems;
}

function fromZod(issue: z.core.$ZodIssue, data: unknown): Problem {
  if (issue.code === 'unrecognized_keys') {
    return { keys: issue.path, unknownKey: issue.keys[0], message: describeIssue(issue, data) };
  }
  // Our own refinements already quote the value.
  return { keys: issue.path, message: issue.code === 'custom' ? issue.message : describeIssue(issue, data) };
}

/**
 * YAML 1.1 (`%YAML 1.1`) reads an unquoted date as a timestamp and rolls 2027-02-30 over to March;
 * validate what was written instead, so an impossible date is reported rather than moved.
 */
function restoreWrittenDates(doc: Document, data: unknown): void {
  if (!isRecord(data) || !Array.isArray(data.waivers)) return;
  data.waivers.forEach((item: unknown, i) => {
    if (!isRecord(item) || !(item.expires instanceof Date)) return;
    const node = nodeAt(doc, ['waivers', i, 'expires']);
    if (isScalar(node) && typeof node.source === 'string') item.expires = node.source;
  });
}

/** Parses and validates waivers text; `now` is the clock (injected for tests). */
export function parseWaivers(text: string, file: string, now: Date): Waiver[] {
  const source = parseYamlSource(text, file);
  const { data } = source;
  restoreWrittenDates(source.doc, data);
  const parsed = makeSchema(now).safeParse(data);
  const problems = [
    ...(parsed.success ? [] : parsed.error.issues.map((issue) => fromZod(issue, data))),
    ...crossFieldProblems(data),
  ];
  if (problems.length > 0 || !parsed.success) {
    const located = problems
      .map((p) => {
        const line = source.lineOf(p.keys, p.unknownKey);
        return {
          line,
          text: `${line === undefined ? '' : `line ${line}: `}${keyPath(p.keys)}: ${p.message}`,
        };
      })
      .sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    throw new ConfigError(
      file,
      located.map((p) => p.text),
    );
  }
  return (parsed.data.waivers ?? []).map((w, i) => {
    const waiver: Waiver = {
      reason: w.reason,
      approver: w.approver,
      ticket: w.ticket,
      expires: w.expires,
      line: source.lineOf(['waivers', i]) ?? 0,
    };
    if (w.id !== undefined) waiver.id = w.id;
    if (w.fingerprint !== undefined) waiver.fingerprint = w.fingerprint;
    if (w.scanner !== undefined) waiver.scanner = w.scanner;
    if (w.rule !== undefined) waiver.rule = w.rule;
    if (w.path !== undefined) waiver.path = w.path;
    return waiver;
  });
}

/** Reads a waivers file; a missing file means no waivers (returns []), unreadable → ConfigError. */
export async function loadWaivers(file: string, now: Date): Promise<Waiver[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // Waivers are optional: most repositories never accept a risk.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [`cannot read the file${code ? ` (${code})` : ''}`]);
  }
  return parseWaivers(text, file, now);
}

/** True when the waiver is past its expiry at `now` (expiry day inclusive, UTC). */
export function isExpired(waiver: Waiver, now: Date): boolean {
  const start = dayStart(waiver.expires);
  // A date we cannot read must not keep a risk accepted: treat it as expired.
  if (start === undefined) return true;
  return now.getTime() >= start + DAY_MS;
}

/** Builds the waiver's test once, so globs are not recompiled for every finding. */
function compileWaiver(waiver: Waiver): (finding: Finding) => boolean {
  const { fingerprint, scanner } = waiver;
  if (fingerprint !== undefined) return (f) => f.fingerprint === fingerprint;
  if (waiver.rule === undefined || waiver.path === undefined) return () => false;
  const rule = globToRegExp(waiver.rule);
  const path = globToRegExp(waiver.path);
  // Out-of-workspace paths are redacted URIs, not repo paths: a path glob must never match them.
  return (f) =>
    f.inWorkspace &&
    (scanner === undefined || f.scanner === scanner) &&
    rule.test(f.ruleId) &&
    path.test(f.path);
}

/** Matches waivers to findings; an expired waiver never applies. */
export function applyWaivers(
  findings: readonly Finding[],
  waivers: readonly Waiver[],
  now: Date,
): WaiverOutcome {
  const compiled = waivers.map((waiver) => ({
    waiver,
    test: compileWaiver(waiver),
    expired: isExpired(waiver, now),
    matched: [] as string[],
  }));
  const applied = new Map<string, Waiver>();
  for (const finding of findings) {
    for (const entry of compiled) {
      if (!entry.test(finding)) continue;
      entry.matched.push(finding.fingerprint);
      if (!entry.expired && !applied.has(finding.fingerprint)) applied.set(finding.fingerprint, entry.waiver);
    }
  }
  return {
    applied,
    expired: compiled.filter((e) => e.expired).map((e) => ({ waiver: e.waiver, matched: e.matched })),
    stale: compiled.filter((e) => !e.expired && e.matched.length === 0).map((e) => e.waiver),
  };
}
