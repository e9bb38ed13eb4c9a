import type * as Sarif from 'sarif';
import { z } from 'zod';

/*
 * The subset of SARIF 2.1.0 controlgate reads. Objects are loose: producers add properties freely and
 * the spec allows it, so unknown keys are kept, never rejected. Only what we rely on is checked.
 */

const int = z.number().int();
const optString = z.string().optional();

const message = z.looseObject({
  text: optString,
  markdown: optString,
  id: optString,
  arguments: z.array(z.string()).optional(),
});
const multiformat = z.looseObject({ text: z.string(), markdown: optString });
const propertyBag = z.looseObject({ tags: z.array(z.string()).optional() });
const level = z.enum(['none', 'note', 'warning', 'error']);

const region = z.looseObject({
  startLine: int.min(1).optional(),
  startColumn: int.min(1).optional(),
  endLine: int.min(1).optional(),
  endColumn: int.min(1).optional(),
  snippet: z.looseObject({ text: optString }).optional(),
});

const artifactLocation = z.looseObject({
  uri: optString,
  uriBaseId: optString,
  index: int.min(-1).optional(),
});

const location = z.looseObject({
  physicalLocation: z
    .looseObject({
      artifactLocation: artifactLocation.optional(),
      region: region.optional(),
      contextRegion: region.optional(),
    })
    .optional(),
});

const toolComponentReference = z.looseObject({
  name: optString,
  index: int.min(-1).optional(),
  guid: optString,
});

const descriptorReference = z.looseObject({
  id: optString,
  index: int.min(-1).optional(),
  guid: optString,
  toolComponent: toolComponentReference.optional(),
});

const reportingDescriptor = z.looseObject({
  id: z.string(),
  name: optString,
  guid: optString,
  shortDescription: multiformat.optional(),
  fullDescription: multiformat.optional(),
  help: multiformat.optional(),
  helpUri: optString,
  messageStrings: z.record(z.string(), multiformat).optional(),
  defaultConfiguration: z
    .looseObject({ level: level.optional(), enabled: z.boolean().optional() })
    .optional(),
  relationships: z
    .array(z.looseObject({ target: descriptorReference, kinds: z.array(z.string()).optional() }))
    .optional(),
  properties: propertyBag.optional(),
});

const toolComponent = z.looseObject({
  name: z.string(),
  guid: optString,
  version: optString,
  semanticVersion: optString,
  informationUri: optString,
  rules: z.array(reportingDescriptor).optional(),
  taxa: z.array(reportingDescriptor).optional(),
});

const suppression = z.looseObject({
  kind: z.enum(['inSource', 'external']),
  status: z.enum(['accepted', 'underReview', 'rejected']).optional(),
  justification: optString,
  /** Where the suppression is written: for an in-source one, its comment. */
  location: location.optional(),
});

const result = z.looseObject({
  ruleId: optString,
  ruleIndex: int.min(-1).optional(),
  rule: descriptorReference.optional(),
  kind: z.enum(['notApplicable', 'pass', 'fail', 'review', 'open', 'informational']).optional(),
  level: level.optional(),
  message,
  locations: z.array(location).optional(),
  fingerprints: z.record(z.string(), z.string()).optional(),
  partialFingerprints: z.record(z.string(), z.string()).optional(),
  suppressions: z.array(suppression).optional(),
  baselineState: z.enum(['new', 'unchanged', 'updated', 'absent']).optional(),
  taxa: z.array(descriptorReference).optional(),
  properties: propertyBag.optional(),
});

const run = z.looseObject({
  tool: z.looseObject({ driver: toolComponent, extensions: z.array(toolComponent).optional() }),
  results: z.array(result).optional(),
  taxonomies: z.array(toolComponent).optional(),
  artifacts: z.array(z.looseObject({ location: artifactLocation.optional() })).optional(),
  originalUriBaseIds: z.record(z.string(), artifactLocation).optional(),
  invocations: z.array(z.looseObject({ executionSuccessful: z.boolean() })).optional(),
});

export const sarifLogSchema = z.looseObject({
  version: z.literal('2.1.0'),
  $schema: optString,
  runs: z.array(run),
});

export type SarifLogInput = z.infer<typeof sarifLogSchema>;
export type SarifRun = z.infer<typeof run>;
export type SarifResult = z.infer<typeof result>;
export type SarifRule = z.infer<typeof reportingDescriptor>;
export type SarifToolComponent = z.infer<typeof toolComponent>;
export type SarifDescriptorReference = z.infer<typeof descriptorReference>;
export type SarifLevel = z.infer<typeof level>;

// The model must stay a faithful subset of the published SARIF types: this fails to compile otherwise.
type Assignable<T extends U, U> = T;
export type ModelMatchesSpec = Assignable<SarifLogInput, Sarif.Log>;
