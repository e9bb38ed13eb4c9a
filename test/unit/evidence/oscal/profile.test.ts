import { describe, expect, it } from 'vitest';
import { loadCatalog, loadPointsOfFocus } from '../../../../src/catalog/data-files.ts';
import { OSCAL_FILES } from '../../../../src/evidence/oscal/files.ts';
import { oscalProfile } from '../../../../src/evidence/oscal/profile.ts';

describe('the OSCAL profile', () => {
  it('imports every control of the catalog beside it, by a relative href', () => {
    const profile = oscalProfile(loadCatalog(), loadPointsOfFocus()).profile as Record<string, unknown>;
    expect(profile.imports).toEqual([{ href: OSCAL_FILES.catalog, 'include-all': {} }]);
    expect(OSCAL_FILES.catalog).toBe('catalog.json');
  });
});
