import type { RunFacts } from '../../report/run-facts.ts';
import { OSCAL_VERSION } from './ids.ts';
import { compact, markupLine, oneLine, props } from './text.ts';

type Json = Record<string, unknown>;

/** OSCAL date-times must carry a time zone; one without is read as local time and written in UTC. */
export function timestamp(value: string): string {
  if (/(Z|[+-]\d{2}:\d{2})$/i.test(value)) return value;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new Error(`OSCAL export: not a date-time: ${value}`);
  return date.toISOString();
}

/** The repository and commit a run judged, as one readable name. */
export function subjectName(facts: RunFacts): string {
  return `${facts.repository ?? 'unknown repository'}@${facts.commit ?? 'unknown commit'}`;
}

/** The metadata of a per-run document: the run's facts as properties, plus any parties it names. */
export function runMetadata(facts: RunFacts, title: string, extra: Json = {}): Json {
  return compact({
    title: markupLine(title),
    'last-modified': timestamp(facts.finishedAt),
    version: oneLine(facts.controlgateVersion) || 'unknown',
    'oscal-version': OSCAL_VERSION,
    props: props([
      ['repository', facts.repository],
      ['commit', facts.commit],
      ['base-commit', facts.baseCommit],
      ['merge-commit', facts.mergeCommit],
      ['branch', facts.branch],
      ['change-number', facts.changeNumber],
      ['actor', facts.actor],
      ['decision', facts.decision],
    ]),
    links: facts.runUrl ? [{ href: oneLine(facts.runUrl), rel: 'related', text: 'CI run' }] : undefined,
    ...extra,
  });
}
