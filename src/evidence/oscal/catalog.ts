import type { LoadedData } from '../../catalog/data-files.ts';
import type { Catalog, PointsOfFocus } from '../../catalog/model.ts';
import { CONTROLGATE_NS, OSCAL_VERSION, uuidV5 } from './ids.ts';

type Json = Record<string, unknown>;

/*
 * controlgate's SOC 2 catalog in OSCAL: the criteria as controls (ids and titles as the project
 * writes them in src/catalog/data/catalog.yml) with our own points of focus as nested assessment
 * objectives. No AICPA text: the statement of each control is our one-line title.
 *
 *   group cc6
 *     control cc6.1            props label "CC6.1", sort-id, category, signal
 *       part cc6.1_smt         statement: the title
 *       part cc6.1_obj         assessment-objective: what to determine (what OSCAL targets point at)
 *         part cc6.1_obj.1     assessment-objective: one per point of focus
 */

/** The OSCAL control id of a criterion: OSCAL's lower-case convention (CC6.1 → cc6.1). */
export function controlId(criterion: string): string {
  return criterion.toLowerCase();
}

/** The id of a criterion's assessment objective, what a finding's objective-id target names. */
export function objectiveId(criterion: string): string {
  return `${controlId(criterion)}_obj`;
}

/** The id of a point of focus (1-based) under its criterion's objective. */
export function pointObjectiveId(criterion: string, point: number): string {
  return `${objectiveId(criterion)}.${point}`;
}

/** The objective controlgate's own control activity (the gate on changes) evidences. */
export function gateObjectiveId(points: PointsOfFocus): string {
  return pointObjectiveId(points.gate.criterion, points.gate.point);
}

/** The inputs of the catalog, checked against each other: every criterion has points, and no more. */
export function checkPointsOfFocus(catalog: Catalog, points: PointsOfFocus): void {
  const ids = new Set(catalog.criteria.map((c) => c.id));
  const missing = [...ids].filter((id) => !points.points[id]);
  const unknown = Object.keys(points.points).filter((id) => !ids.has(id));
  const gate = points.points[points.gate.criterion];
  const problems = [
    ...missing.map((id) => `${id}: no points of focus`),
    ...unknown.map((id) => `${id}: not a criterion of the catalog`),
    ...(gate && gate.length >= points.gate.point
      ? []
      : [`gate: ${points.gate.criterion} has no point ${points.gate.point}`]),
  ];
  if (problems.length > 0) throw new Error(`points of focus: ${problems.join('; ')}`);
}

function prop(name: string, value: string, ns?: string): Json {
  return ns ? { name, ns, value } : { name, value };
}

function control(criterion: Catalog['criteria'][number], points: readonly string[], index: number): Json {
  const id = controlId(criterion.id);
  return {
    id,
    class: 'soc2-criterion',
    title: criterion.title,
    props: [
      prop('label', criterion.id),
      prop('sort-id', `${String(index).padStart(3, '0')}`),
      prop('category', criterion.category, CONTROLGATE_NS),
      // process: no scanner can evidence it; technical: scanning can give evidence about it.
      prop('signal', criterion.signal, CONTROLGATE_NS),
    ],
    parts: [
      { id: `${id}_smt`, name: 'statement', prose: `${criterion.title}.` },
      {
        id: objectiveId(criterion.id),
        name: 'assessment-objective',
        prose: `Determine whether, for ${criterion.id}: ${criterion.title.charAt(0).toLowerCase()}${criterion.title.slice(1)}.`,
        parts: points.map((text, i) => ({
          id: pointObjectiveId(criterion.id, i + 1),
          name: 'assessment-objective',
          props: [
            prop('label', `${criterion.id} (${i + 1})`),
            prop('kind', 'point-of-focus', CONTROLGATE_NS),
          ],
          prose: `${text}.`,
        })),
      },
    ],
  };
}

/** The OSCAL catalog of the SOC 2 criteria as controlgate words them; same data → same bytes. */
export function oscalCatalog(catalog: LoadedData<Catalog>, points: LoadedData<PointsOfFocus>): Json {
  checkPointsOfFocus(catalog.data, points.data);
  const order = new Map(catalog.data.criteria.map((c, i) => [c.id, i + 1]));
  return {
    catalog: {
      uuid: uuidV5(`oscal catalog ${catalog.sha256} ${points.sha256}`),
      metadata: {
        title: 'SOC 2 Trust Services Criteria, summarized by controlgate',
        'last-modified': points.data.updated,
        version: `${catalog.version}+${points.version}`,
        'oscal-version': OSCAL_VERSION,
        props: [
          prop('catalog-sha256', catalog.sha256, CONTROLGATE_NS),
          prop('points-of-focus-sha256', points.sha256, CONTROLGATE_NS),
        ],
        remarks:
          'Criterion ids follow the AICPA 2017 Trust Services Criteria (points of focus revised 2022). Titles and points of focus are controlgate’s own short summaries, not the AICPA text, which is copyrighted; read the AICPA publication for the authoritative wording.',
      },
      groups: catalog.data.groups.map((g) => ({
        id: g.id.toLowerCase(),
        class: 'soc2-group',
        title: g.title,
        props: [prop('label', g.id)],
        controls: catalog.data.criteria
          .filter((c) => c.group === g.id)
          .map((c) => control(c, points.data.points[c.id] ?? [], order.get(c.id) ?? 0)),
      })),
    },
  };
}
