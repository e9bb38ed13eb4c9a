import { type LoadedData, loadCatalog, loadPointsOfFocus } from '../catalog/data-files.ts';
import type { Catalog, PointsOfFocus } from '../catalog/model.ts';
import type { JsonReport } from '../report/json-report-schema.ts';
import type { RunFacts } from '../report/run-facts.ts';
import { gateObjectiveId, oscalCatalog } from './oscal/catalog.ts';
import { OSCAL_FILES } from './oscal/files.ts';
import { gateActivityFinding } from './oscal/gate-activity.ts';
import { runIdentities } from './oscal/ids.ts';
import { runMetadata, subjectName, timestamp } from './oscal/metadata.ts';
import { observations } from './oscal/observations.ts';
import { assessmentPlan, reviewedControls } from './oscal/plan.ts';
import { oscalProfile } from './oscal/profile.ts';
import { criterionFindings, resultRemarks, unclaimedControls } from './oscal/results.ts';
import { APPROVER_ROLE, approverParties, waiverRisks } from './oscal/risks.ts';
import { systemSecurityPlan } from './oscal/ssp.ts';
import { compact, markup, markupLine, props } from './oscal/text.ts';

export { OSCAL_FILES } from './oscal/files.ts';
export { OSCAL_VERSION } from './oscal/ids.ts';

type Json = Record<string, unknown>;

/*
 * The OSCAL documents of a bundle chain inside its oscal/ folder, each href relative:
 *   assessment-results.json --import-ap--> assessment-plan.json --import-ssp-->
 *   system-security-plan.json --import-profile--> profile.json --imports--> catalog.json
 * Findings target the catalog's objectives (cc6.1_obj); waivers are risks; a separate finding
 * records the gate (the change-management control activity) operating. See oscal/results.ts,
 * oscal/risks.ts and oscal/gate-activity.ts for why each reads as it does.
 */

export interface OscalDocuments {
  catalog: Json;
  profile: Json;
  systemSecurityPlan: Json;
  assessmentPlan: Json;
  assessmentResults: Json;
}

export interface OscalOptions {
  /** Fingerprint → href of the finding's SARIF result, e.g. from mergedResultPointers(). */
  sarifHrefs?: ReadonlyMap<string, string>;
  /** Href of the JSON report whose findings[] the observations cite by JSON pointer. */
  findingsHref?: string;
  /** The catalog data; the shipped files when left out. */
  catalog?: LoadedData<Catalog>;
  pointsOfFocus?: LoadedData<PointsOfFocus>;
}

/** The catalog and profile alone: the same for every run, also written to docs/oscal/ by `npm run generate`. */
export function oscalCatalogDocuments(
  catalog: LoadedData<Catalog> = loadCatalog(),
  points: LoadedData<PointsOfFocus> = loadPointsOfFocus(),
): { catalog: Json; profile: Json } {
  return { catalog: oscalCatalog(catalog, points), profile: oscalProfile(catalog, points) };
}

/** Every OSCAL document of a run's bundle (by OSCAL_FILES name); deterministic: same inputs → same bytes. */
export function oscalDocuments(
  report: JsonReport,
  facts: RunFacts,
  options: OscalOptions = {},
): OscalDocuments {
  const catalog = options.catalog ?? loadCatalog();
  const points = options.pointsOfFocus ?? loadPointsOfFocus();
  const gateCriterion = points.data.gate.criterion;
  const ids = runIdentities({ ...facts, root: report.root });
  const collected = timestamp(facts.finishedAt);
  const ctx = {
    report,
    collected,
    ...ids,
    repository: facts.repository ?? report.root,
    sarifHrefs: options.sarifHrefs ?? new Map<string, string>(),
    findingsHref: options.findingsHref,
  };
  const observed = observations(ctx);
  const unclaimed = unclaimedControls(report);
  const result = compact({
    uuid: ids.runUuid('result'),
    title: markupLine(`controlgate scan of ${subjectName(facts)}`),
    description: markup(
      `Findings of ${report.scanners.map((s) => `${s.name} (${s.status})`).join(', ')} on ${subjectName(facts)}, mapped to SOC 2 criteria by controlgate ${facts.controlgateVersion}.`,
    ),
    start: timestamp(facts.startedAt),
    end: collected,
    props: props([
      ['decision', report.decision],
      ['exit-code', report.exitCode],
      ...unclaimed.notCovered.map((id) => ['not-covered', id] as const),
    ]),
    'reviewed-controls': reviewedControls(report, gateCriterion),
    observations: observed.list,
    risks: waiverRisks(ctx, observed.uuids),
    findings: [
      gateActivityFinding(
        report,
        { ...ids, objectiveId: gateObjectiveId(points.data), criterion: gateCriterion },
        observed.uuids,
      ),
      ...criterionFindings(ctx, observed.uuids),
    ],
    remarks: resultRemarks(report),
  });
  const parties = approverParties(report, ids.partyUuid);
  const approvers =
    parties.length > 0
      ? {
          roles: [{ id: APPROVER_ROLE, title: 'Waiver approver' }],
          parties,
          'responsible-parties': [
            { 'role-id': APPROVER_ROLE, 'party-uuids': parties.map((p) => p.uuid as string) },
          ],
        }
      : {};
  const assessmentResults = {
    'assessment-results': {
      uuid: ids.runUuid('assessment-results'),
      metadata: runMetadata(facts, `controlgate assessment results for ${subjectName(facts)}`, approvers),
      'import-ap': { href: OSCAL_FILES.plan },
      results: [result],
    },
  };
  return {
    ...oscalCatalogDocuments(catalog, points),
    systemSecurityPlan: systemSecurityPlan(report, facts, ids, { criterion: gateCriterion }),
    assessmentPlan: assessmentPlan(report, facts, ids, gateCriterion),
    assessmentResults,
  };
}
