import { z } from 'zod';
import { CRITERION_IDS, GROUP_IDS } from './policy-schema.ts';
import { configSchema } from './schema.ts';

type JsonObject = Record<string, unknown>;

/** JSON Schema of `.controlgate.yml`, for editors (completion, checking); generated into schema/. */
export function configJsonSchema(): JsonObject {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonObject;
  // zod cannot say "extra keys must be criterion ids" (that is a refinement); editors should know.
  const policy = (schema.properties as Record<string, JsonObject> | undefined)?.policy;
  if (policy) {
    policy.propertyNames = {
      enum: [
        'mode',
        'severity',
        'unevaluated',
        'inSourceSuppressions',
        'newSuppressions',
        ...GROUP_IDS,
        ...CRITERION_IDS,
      ],
    };
  }
  return {
    ...schema,
    $id: 'https://raw.githubusercontent.com/controlgate/controlgate/main/schema/controlgate.schema.json',
    title: 'controlgate configuration (.controlgate.yml)',
  };
}
