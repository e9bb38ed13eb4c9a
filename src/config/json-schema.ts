import { z } from 'zod';
import { CRITERION_IDS, GROUP_IDS } from './policy-schema.ts';
import { configSchema } from './schema.ts';

type JsonObject = Record<string, unknown>;

/** JSON Schema of `.controlgate.yml`, for editors (completion, checking); generated into schema/. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  return {
    ...schema,
    $id: 'https://raw.githubusercontent.com/controlgate/controlgate/main/schema/controlgate.schema.json',
    title: 'controlgate configuration (.controlgate.yml)',
  };
}
