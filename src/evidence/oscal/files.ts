/**
 * The OSCAL documents of a bundle, all in one folder (oscal/), each naming the next by a relative
 * href: results → plan → system security plan → profile → catalog.
 */
export const OSCAL_FILES = {
  catalog: 'catalog.json',
  profile: 'profile.json',
  ssp: 'system-security-plan.json',
  plan: 'assessment-plan.json',
  results: 'assessment-results.json',
} as const;
