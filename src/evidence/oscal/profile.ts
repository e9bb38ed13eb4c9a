import type { LoadedData } from '../../catalog/data-files.ts';
import type { Catalog, PointsOfFocus } from '../../catalog/model.ts';
import { OSCAL_FILES } from './files.ts';
import { OSCAL_VERSION, uuidV5 } from './ids.ts';

/**
 * The profile the system security plan imports: every criterion of the catalog, unchanged. SOC 2
 * has no baselines to tailor; the profile exists because OSCAL chains plan → SSP → profile → catalog.
 * Which criteria a run judges is the assessment plan's reviewed-controls, not this profile.
 */
export function oscalProfile(
  catalog: LoadedData<Catalog>,
  points: LoadedData<PointsOfFocus>,
): Record<string, unknown> {
  return {
    profile: {
      uuid: uuidV5(`oscal profile ${catalog.sha256} ${points.sha256}`),
      metadata: {
        title: 'SOC 2 Trust Services Criteria, all criteria (controlgate)',
        'last-modified': points.data.updated,
        version: `${catalog.version}+${points.version}`,
        'oscal-version': OSCAL_VERSION,
      },
      imports: [{ href: OSCAL_FILES.catalog, 'include-all': {} }],
      merge: { 'as-is': true },
    },
  };
}
