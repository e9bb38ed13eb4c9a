import { createHash } from 'node:crypto';
import type { Severity } from '../../findings/finding.ts';
import type { JsonReport } from '../json-report-schema.ts';
import { otherSources } from '../rule-label.ts';
import {
  type GitlabIdentifier,
  type GitlabSastReport,
  type GitlabSeverity,
  type GitlabVulnerability,
  SAST_SCHEMA_URL,
  SAST_SCHEMA_VERSION,
} from './schema.ts';
import { clean, cweNumber, httpUrl, lines, type ReportFinding, reportedFindings } from './select.ts';

export type { GitlabSastReport } from './schema.ts';

const SEVERITY: Record<Severity, GitlabSeverity> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

/**
 * Primary identifier type per scanner. GitLab deduplicates vulnerabilities on the primary identifier
 * (type + value) and the location, so these must never change; they follow the names GitLab's own
 * analyzers use for the same tools. Other scanners get `<id>_rule`.
 */
const RULE_TYPE: Record<string, string> = {
  semgrep: 'semgrep_id',
  bandit: 'bandit_test_id',
  kics: 'kics_id',
};

/** Who maintains each scanner, for `scan.scanner.vendor` (required by the schema). */
const VENDOR: Record<string, string> = { semgrep: 'Semgrep', bandit: 'PyCQA', kics: 'Checkmarx' };

/** A fixed namespace for controlgate's vulnerability UUIDs: changing it would re-create every one. */
const UUID_NAMESPACE = '6f1c2d3e-4a5b-4c6d-8e7f-90a1b2c3d4e5';

/** RFC 4122 version 5 UUID: SHA-1 of namespace + name, so the same fingerprint gives the same id. */
export function uuidV5(name: string, namespace: string = UUID_NAMESPACE): string {
  const ns = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  const hash = createHash('sha1').update(ns).update(name, 'utf8').digest().subarray(0, 16);
  hash.writeUInt8((hash.readUInt8(6) & 0x0f) | 0x50, 6);
  hash.writeUInt8((hash.readUInt8(8) & 0x3f) | 0x80, 8);
  const hex = hash.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** ISO 8601 → `yyyy-mm-ddThh:mm:ss` in UTC, the only form the schema accepts. */
export function gitlabTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${JSON.stringify(iso)}`);
  return date.toISOString().slice(0, 19);
}

/** The primary identifier type for a scanner: fixed names for known tools, `<id>_rule` otherwise. */
export function ruleIdentifierType(scanner: string): string {
  return RULE_TYPE[scanner] ?? `${scanner.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_rule`;
}

type RuleFacts = Pick<ReportFinding, 'scanner' | 'ruleId' | 'ruleName' | 'helpUri'>;

function ruleIdentifier(f: RuleFacts): GitlabIdentifier {
  const ruleId = clean(f.ruleId);
  const ruleName = f.ruleName ? clean(f.ruleName, '') : '';
  const url = httpUrl(f.helpUri);
  return {
    type: ruleIdentifierType(f.scanner),
    name: ruleName && ruleName !== ruleId ? `${ruleName} (${ruleId})` : ruleId,
    value: ruleId,
    ...(url ? { url } : {}),
  };
}

/** The main rule first (GitLab keys the vulnerability on it), then the other tools' rules, then CWEs. */
function identifiers(f: ReportFinding): GitlabIdentifier[] {
  const sources = otherSources(f);
  const cwes = [
    ...new Set(
      [...f.cwe, ...sources.flatMap((s) => s.cwe)].map(cweNumber).filter((n): n is string => n !== undefined),
    ),
  ];
  return [
    ruleIdentifier(f),
    ...sources.map(ruleIdentifier),
    ...cwes.map((n) => ({
      type: 'cwe',
      name: `CWE-${n}`,
      value: n,
      url: `https://cwe.mitre.org/data/definitions/${n}.html`,
    })),
  ];
}

function text(name: string, value: string) {
  return { name, type: 'text' as const, value };
}

function vulnerability(f: ReportFinding, scannerName: string): GitlabVulnerability {
  const { begin, end } = lines(f);
  const url = httpUrl(f.helpUri);
  return {
    id: uuidV5(f.fingerprint),
    name: clean(f.ruleName ?? f.ruleId).slice(0, 255),
    description: clean(f.message, clean(f.ruleId)).slice(0, 1_048_576),
    severity: SEVERITY[f.severity],
    location: { file: clean(f.path), start_line: begin, end_line: end },
    identifiers: identifiers(f),
    ...(url ? { links: [{ url }] } : {}),
    // The schema has no per-vulnerability scanner since 15.0.0; a multi-scanner report records it here.
    details: {
      scanner: text(
        'Scanner',
        [
          `${scannerName} ${clean(f.scannerVersion)}`,
          ...otherSources(f).map((s) => `${clean(s.scanner)} ${clean(s.scannerVersion)}`),
        ].join(', '),
      ),
      criteria: text('SOC 2 criteria', f.criteria.map((c) => clean(c)).join(', ') || 'none'),
      fingerprint: text('controlgate fingerprint', clean(f.fingerprint)),
    },
  };
}

type Component = GitlabSastReport['scan']['scanner'];

function controlgate(report: JsonReport): Component {
  return {
    id: 'controlgate',
    name: 'controlgate',
    version: report.tool.version,
    vendor: { name: 'controlgate' },
  };
}

/**
 * `scan.scanner`: the scanner itself when exactly one ran, else controlgate. Decided on the scanners
 * that ran, not on which happened to report findings, so the same configuration always names the same
 * scanner and GitLab does not see the scanner of existing vulnerabilities change between pipelines.
 */
function scanScanner(report: JsonReport): Component {
  const ran = report.scanners.filter((s) => s.status !== 'skipped');
  const only = ran.length === 1 ? ran[0] : undefined;
  if (!only) return controlgate(report);
  const version = only.version ?? report.findings.find((f) => f.scanner === only.id)?.scannerVersion;
  return {
    id: clean(only.id),
    name: clean(only.name),
    version: clean(version ?? 'unknown'),
    vendor: { name: VENDOR[only.id] ?? clean(only.name) },
  };
}

/** GitLab SAST report (security report schema 15.x) for `artifacts:reports:sast`. */
export function gitlabSastReport(report: JsonReport): GitlabSastReport {
  const names = new Map(report.scanners.map((s) => [s.id, clean(s.name)]));
  const failed = report.scanners.filter((s) => s.status === 'failed');
  return {
    schema: SAST_SCHEMA_URL,
    version: SAST_SCHEMA_VERSION,
    scan: {
      analyzer: controlgate(report),
      scanner: scanScanner(report),
      type: 'sast',
      start_time: gitlabTime(report.startedAt),
      end_time: gitlabTime(report.finishedAt),
      // A failed scanner means its files were not checked: the scan as a whole did not succeed.
      status: failed.length > 0 ? 'failure' : 'success',
      ...(failed.length > 0
        ? {
            messages: failed.map((s) => ({
              level: 'warn' as const,
              value: `${clean(s.name)} failed${s.error ? `: ${clean(s.error)}` : ''}`,
            })),
          }
        : {}),
    },
    vulnerabilities: reportedFindings(report).map((f) =>
      vulnerability(f, names.get(f.scanner) ?? clean(f.scanner)),
    ),
  };
}
