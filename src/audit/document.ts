import type { ExceptionCode } from '../change-management/exceptions.ts';
import type { RejectedBundle } from './load.ts';
import type { Population } from './population.ts';
import type { Sample } from './sample.ts';

/*
 * population.json: everything the audit found, in one document the CSV and the HTML report are
 * rendered from. Fields may be added, never renamed or removed.
 */

export const AUDIT_KIND = 'controlgate.audit-population';

/** An artifact the platform listed but the audit could not read (past its retention, a failed download). */
export interface AuditGap {
  artifact: string;
  id: number;
  headSha: string | null;
  url: string | null;
  reason: string;
}

export interface AuditDocument extends Omit<Population, 'rows'> {
  kind: typeof AUDIT_KIND;
  version: 1;
  generatedAt: string;
  controlgateVersion: string;
  /** The repository the platform list was read for, when one was. */
  repository: string | null;
  rows: Population['rows'];
  /** Every exception of every row, flat: the first thing an auditor reads. */
  exceptions: {
    repository: string | null;
    number: number;
    title: string;
    code: ExceptionCode;
    text: string;
  }[];
  rejected: { location: string; kind: RejectedBundle['kind']; reason: string }[];
  gaps: AuditGap[];
  sample: Sample | null;
  /**
   * Whose signature the bundles had to carry (`--identity`, `--issuer`); null when signatures were
   * not checked: intact bundles then prove they were not changed, not who wrote them.
   */
  signer: { identity: string; issuer: string } | null;
}

export function auditDocument(
  population: Population,
  extra: {
    generatedAt: Date;
    controlgateVersion: string;
    repository: string | null;
    rejected: readonly RejectedBundle[];
    gaps: readonly AuditGap[];
    sample: Sample | null;
    signer?: { identity: string; issuer: string } | null;
  },
): AuditDocument {
  return {
    kind: AUDIT_KIND,
    version: 1,
    generatedAt: extra.generatedAt.toISOString(),
    controlgateVersion: extra.controlgateVersion,
    repository: extra.repository,
    ...population,
    exceptions: population.rows.flatMap((row) =>
      row.exceptions.map((e) => ({
        repository: row.repository,
        number: row.number,
        title: row.title,
        code: e.code,
        text: e.text,
      })),
    ),
    rejected: extra.rejected.map((r) => ({ location: r.location, kind: r.kind, reason: r.reason })),
    gaps: [...extra.gaps],
    sample: extra.sample,
    signer: extra.signer ?? null,
  };
}
