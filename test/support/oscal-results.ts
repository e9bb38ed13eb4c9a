import { oscalDocuments } from '../../src/evidence/oscal.ts';
import type { JsonReport } from '../../src/report/json-report-schema.ts';
import { ciRunFacts } from './run-facts.ts';

export interface OscalTarget {
  'target-id': string;
  status: { state: string; reason?: string; remarks?: string };
}
export interface OscalFinding {
  uuid: string;
  title: string;
  props: { name: string; value: string }[];
  target: OscalTarget;
  'related-observations'?: { 'observation-uuid': string }[];
  'related-risks'?: { 'risk-uuid': string }[];
}
export interface OscalRisk {
  uuid: string;
  title: string;
  status: string;
  deadline?: string;
  props: { name: string; value: string }[];
  origins?: { actors: { type: string; 'actor-uuid': string }[] }[];
  'risk-log': {
    entries: { 'logged-by'?: { 'party-uuid': string; 'role-id': string }[]; 'status-change'?: string }[];
  };
  'related-observations'?: { 'observation-uuid': string }[];
}
export interface OscalResult {
  props: { name: string; value: string }[];
  observations: { uuid: string; props: { name: string; value: string }[] }[];
  findings: OscalFinding[];
  risks?: OscalRisk[];
  remarks: string;
  'reviewed-controls': { 'control-selections': { 'include-controls': { 'control-id': string }[] }[] };
}

/** The OSCAL documents of a report (with CI-like facts), and its one result, typed for tests. */
export function oscalOf(report: JsonReport) {
  const docs = oscalDocuments(report, ciRunFacts(report));
  const ar = docs.assessmentResults['assessment-results'] as {
    metadata: Record<string, unknown>;
    results: OscalResult[];
  };
  const result = ar.results[0] as OscalResult;
  const byTarget = (id: string) => result.findings.find((f) => f.target['target-id'] === id);
  return { docs, metadata: ar.metadata, result, byTarget };
}
