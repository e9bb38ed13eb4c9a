import { z } from 'zod';

/**
 * Zod models of the two GitLab report formats controlgate writes, transcribed from GitLab's own
 * documents rather than from any tool's output:
 *
 * - SAST: `sast-report-format.json` of the security report schemas, version 15.0.7 (the copy GitLab
 *   vendors under lib/gitlab/ci/parsers/security/validators/schemas/). 15.0.x through 15.2.x agree on
 *   everything modelled here. Only what the schema requires or constrains is checked; like the schema
 *   (`additionalProperties` is never false) unknown properties are allowed, so other tools' extras
 *   (`cve`, `category`, `message`, `scanner` on vulnerabilities: dropped from the schema in 15.0.0) pass.
 * - Code Quality: the "Implement a custom tool" table of GitLab's Code Quality docs (a subset of the
 *   Code Climate spec): description, check_name, fingerprint, severity, location.path and
 *   location.lines.begin or location.positions.begin.line. GitLab ignores every other property.
 */

/** The schema version controlgate declares: the last 15.0.x, so GitLab releases without 15.1 accept it. */
export const SAST_SCHEMA_VERSION = '15.0.7';
export const SAST_SCHEMA_URL = `https://gitlab.com/gitlab-org/security-products/security-report-schemas/-/raw/v${SAST_SCHEMA_VERSION}/dist/sast-report-format.json`;

/** `yyyy-mm-ddThh:mm:ss`, UTC, no fraction and no zone: the schema's pattern for start/end_time. */
export const SAST_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

const nonEmpty = z.string().min(1);
const vendor = z.object({ name: nonEmpty });

/** Analyzer and scanner: id, name, version and vendor.name are required; an analyzer url must be http(s). */
const analyzer = z.object({
  id: nonEmpty,
  name: nonEmpty,
  url: z
    .string()
    .regex(/^https?:\/\/.+/)
    .optional(),
  version: nonEmpty,
  vendor,
});
const scanner = z.object({
  id: nonEmpty,
  name: nonEmpty,
  url: z.string().optional(),
  version: nonEmpty,
  vendor,
});

/** Identifier: type, name and value required; url, when present, must look like an http(s)/ftp URL. */
const identifier = z.object({
  type: nonEmpty,
  name: nonEmpty,
  value: nonEmpty,
  url: z
    .string()
    .regex(/^(https?|ftp):\/\/.+/)
    .optional(),
});

const message = z.object({ level: z.enum(['info', 'warn', 'fatal']), value: nonEmpty });

const scan = z.object({
  analyzer,
  scanner,
  type: z.literal('sast'),
  start_time: z.string().regex(SAST_TIME),
  end_time: z.string().regex(SAST_TIME),
  status: z.enum(['success', 'failure']),
  messages: z.array(message).optional(),
  primary_identifiers: z.array(identifier).optional(),
});

/**
 * One `details` entry: the schema's named_field (name required) combined with one of its typed
 * detail kinds. The kinds' own contents (lists, tables, …) are not checked in depth.
 */
const detail = z.looseObject({
  name: nonEmpty,
  type: z.enum([
    'named-list',
    'list',
    'table',
    'text',
    'url',
    'code',
    'value',
    'diff',
    'markdown',
    'commit',
    'file-location',
    'module-location',
    'code-flows',
  ]),
});

export const SAST_SEVERITIES = ['Info', 'Unknown', 'Low', 'Medium', 'High', 'Critical'] as const;

const vulnerability = z.object({
  id: nonEmpty,
  name: z.string().max(255).optional(),
  description: z.string().max(1_048_576).optional(),
  severity: z.enum(SAST_SEVERITIES).optional(),
  solution: z.string().max(7000).optional(),
  identifiers: z.array(identifier).min(1),
  links: z
    .array(z.object({ name: z.string().optional(), url: z.string().regex(/^(https?|ftp):\/\/.+/) }))
    .optional(),
  details: z.record(z.string(), detail).optional(),
  flags: z
    .array(
      z.object({
        type: z.literal('flagged-as-likely-false-positive'),
        origin: nonEmpty,
        description: nonEmpty,
      }),
    )
    .optional(),
  // Every location field is optional in the schema; SAST analyzers fill file and lines.
  location: z.object({
    file: z.string().optional(),
    start_line: z.number().optional(),
    end_line: z.number().optional(),
    class: z.string().optional(),
    method: z.string().optional(),
  }),
});

/** GitLab SAST report, security report schema 15.x: `scan`, `version` and `vulnerabilities` are required. */
export const gitlabSastReportSchema = z.object({
  schema: z
    .string()
    .regex(/^https?:\/\/.+/)
    .optional(),
  version: z.string().regex(/^[0-9]+\.[0-9]+\.[0-9]+$/),
  scan,
  vulnerabilities: z.array(vulnerability),
});

export type GitlabSastReport = z.infer<typeof gitlabSastReportSchema>;
export type GitlabVulnerability = GitlabSastReport['vulnerabilities'][number];
export type GitlabIdentifier = GitlabVulnerability['identifiers'][number];
export type GitlabSeverity = (typeof SAST_SEVERITIES)[number];

export const CODE_QUALITY_SEVERITIES = ['info', 'minor', 'major', 'critical', 'blocker'] as const;
export type CodeQualitySeverity = (typeof CODE_QUALITY_SEVERITIES)[number];

const line = z.number().int().min(1);

/** One Code Quality issue; the line comes from `lines.begin` or, in Code Climate's other form, `positions`. */
export const codeQualityIssueSchema = z.object({
  description: nonEmpty,
  check_name: nonEmpty,
  fingerprint: nonEmpty,
  severity: z.enum(CODE_QUALITY_SEVERITIES),
  location: z.union([
    z.object({ path: nonEmpty, lines: z.object({ begin: line, end: line.optional() }) }),
    z.object({ path: nonEmpty, positions: z.object({ begin: z.object({ line }) }) }),
  ]),
});

/** The artifact is a JSON array of issues. */
export const codeQualityReportSchema = z.array(codeQualityIssueSchema);

/** What controlgate writes: always the `lines` form of the location. */
export interface CodeQualityIssue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number; end: number } };
}
