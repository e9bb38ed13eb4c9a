import { z } from 'zod';
import { EXCEPTION_CODES } from './exceptions.ts';
import { MERGE_RECORD_KIND, type MergeRecord } from './record.ts';

/*
 * Reading a merge record back (audit, `evidence verify`): the fields the population and the report
 * rest on are checked; a bad record names the field and what was expected. Fields only kept for the
 * reader (the raw facts) pass through as written.
 */

const nullableString = z.string().nullable();

const schema = z.looseObject({
  kind: z.literal(MERGE_RECORD_KIND),
  version: z.literal(1),
  recordedAt: z.string(),
  controlgateVersion: z.string(),
  facts: z.looseObject({
    platform: z.enum(['github', 'gitlab']),
    repository: z.string(),
    number: z.number().int().positive(),
    title: z.string(),
    url: nullableString,
    author: nullableString,
    baseRef: z.string(),
    headSha: z.string(),
    mergeCommitSha: nullableString,
    merged: z.boolean(),
    mergedBy: nullableString,
    mergedAt: nullableString,
  }),
  gateRun: z.looseObject({ location: z.string(), digest: nullableString }).nullable(),
  judgement: z.looseObject({
    finalHeadApprovers: z.array(z.string()),
    independentApprovers: z.array(z.string()),
    policyChanged: z.array(z.string()),
  }),
  exceptions: z.array(z.object({ code: z.enum(EXCEPTION_CODES), text: z.string() })),
});

export class MergeRecordError extends Error {
  override readonly name = 'MergeRecordError';
}

/** Parses merge-record.json; `file` names it in errors. */
export function parseMergeRecord(text: string, file: string): MergeRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new MergeRecordError(`${file}: not valid JSON`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue?.path.join('.') || '(root)';
    throw new MergeRecordError(`${file}: ${at}: ${issue?.message ?? 'not a merge record'}`);
  }
  return parsed.data as unknown as MergeRecord;
}
