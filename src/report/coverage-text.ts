import type { Inline } from './comparison.ts';
import type { JsonCoverage, JsonReport } from './json-report-schema.ts';

type Entry = JsonCoverage['files'][number];

const WHY_WORDS: Record<NonNullable<Entry['notScanned']>, string> = {
  excluded: 'excluded',
  'no-scanner': 'no scanner reads its kind',
  link: 'links to nothing of this repository',
  submodule: 'submodule',
  missing: 'not in the checkout',
};

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A scanner's display name from the report, else its id. */
function scannerName(report: Pick<JsonReport, 'scanners'>, id: string): string {
  return report.scanners.find((s) => s.id === id)?.name ?? id;
}

/** Why a file was not judged, one clause per scanner that applies and did not. */
export function notJudgedReasons(report: Pick<JsonReport, 'scanners'>, entry: Entry, fmt: Inline): string {
  return (entry.notJudgedBy ?? [])
    .map((n) => `${fmt.text(scannerName(report, n.scanner))}: ${fmt.text(n.reason)}`)
    .join('; ');
}

/**
 * The ledger in one line: "41 files judged, 2 not: a (why), b (why); 3 not scanned: 2 excluded, 1 …".
 * Paths and reasons come from the scanned tree and the tools: they go through `fmt`. On a change, the
 * files not scanned are named too (they are the change's own); on a full scan they are counted.
 */
export function coverageLine(
  report: Pick<JsonReport, 'scanners' | 'coverage'>,
  fmt: Inline,
  named = 3,
): string | undefined {
  const c = report.coverage;
  if (!c) return undefined;
  const n = c.counts.judged;
  const parts = [
    c.scope === 'changed-files'
      ? `${n} of the change's ${plural(c.files.length, 'file')} judged`
      : `${plural(n, 'file')} judged`,
  ];
  const notJudged = c.files.filter((e) => e.state === 'not-judged');
  if (notJudged.length > 0) {
    const shown = notJudged
      .slice(0, named)
      .map((e) => `${fmt.code(e.path)} (${notJudgedReasons(report, e, fmt)})`);
    const more = notJudged.length - shown.length;
    parts.push(`${notJudged.length} not: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`);
  }
  let line = parts.join(', ');
  const notScanned = c.files.filter((e) => e.state === 'not-scanned');
  if (notScanned.length > 0) {
    const byWhy = new Map<string, number>();
    for (const e of notScanned) {
      const why = WHY_WORDS[e.notScanned ?? 'no-scanner'];
      byWhy.set(why, (byWhy.get(why) ?? 0) + 1);
    }
    const counts = [...byWhy].map(([why, n]) => `${n} ${why}`).join(', ');
    const names =
      c.scope === 'changed-files'
        ? `: ${notScanned
            .slice(0, named)
            .map((e) => fmt.code(e.path))
            .join(', ')}${notScanned.length > named ? ` and ${notScanned.length - named} more` : ''}`
        : '';
    line += `; ${notScanned.length} not scanned (${counts})${names}`;
  }
  return `${line}.`;
}

/**
 * What kept a scanner's criteria from being evaluated, in a few words: it failed, or it ran and could
 * not judge some files (which the coverage line names).
 */
export function scannerTrouble(
  scanners: readonly { id: string; status: string; unjudged?: readonly unknown[] | undefined }[],
  id: string,
): string {
  const run = scanners.find((s) => s.id === id);
  const n = run?.unjudged?.length ?? 0;
  return run && run.status !== 'failed' && n > 0
    ? `${id} could not judge ${plural(n, 'file')}`
    : `${id} failed`;
}
