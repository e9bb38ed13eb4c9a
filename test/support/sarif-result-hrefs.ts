import type * as Sarif from 'sarif';

/** The partial-fingerprint key controlgate writes on every result of its merged SARIF. */
const FINGERPRINT_KEY = 'controlgate/v1';

/**
 * Reads a finished merged log the way a reviewer of the evidence would, to check the pointers that
 * mergedResultPointers() computes without building the log.
 *
 * Fingerprint → `<sarifHref>#/runs/<i>/results/<j>` (a JSON pointer to the result) for every result
 * of controlgate's merged SARIF, so OSCAL observations can cite the exact SARIF result as evidence.
 */
export function sarifResultHrefs(log: Pick<Sarif.Log, 'runs'>, sarifHref: string): Map<string, string> {
  const hrefs = new Map<string, string>();
  log.runs.forEach((run, i) => {
    (run.results ?? []).forEach((result, j) => {
      const fingerprint = result.partialFingerprints?.[FINGERPRINT_KEY];
      if (fingerprint && !hrefs.has(fingerprint))
        hrefs.set(fingerprint, `${sarifHref}#/runs/${i}/results/${j}`);
    });
  });
  return hrefs;
}
