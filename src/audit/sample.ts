import { sha256 } from '../bundle/manifest.ts';
import type { PopulationRow } from './population.ts';

/*
 * The sample an auditor tests: chosen so that anyone can redo it by hand. Each change gets a rank,
 * the SHA-256 of "<seed>:<repository>#<number>" in hex; the N lowest ranks are the sample. No random
 * generator and no order of the input matter, so the same seed always gives the same sample.
 */

export interface SampleRequest {
  size: number;
  seed: string;
}

export interface SampledChange {
  number: number;
  repository: string;
  /** The text that was hashed. */
  key: string;
  /** Its SHA-256, hex: the rank (lowest first). */
  rank: string;
}

export interface Sample {
  size: number;
  seed: string;
  /** The method in words an auditor can follow with sha256sum. */
  method: string;
  changes: SampledChange[];
}

/** The text hashed for one change. */
export function sampleKey(seed: string, repository: string, number: number): string {
  return `${seed}:${repository}#${number}`;
}

/** A text as one single-quoted shell word: a quote inside ends the word, adds \' and starts another. */
function shellQuoted(text: string): string {
  return `'${text.replace(/'/g, "'\\''")}'`;
}

export function sampleMethod(
  request: SampleRequest,
  populationSize: number,
  example = 'owner/name#42',
): string {
  return [
    `For each of the ${populationSize} merged changes, compute the SHA-256 of the text "<seed>:<repository>#<number>"`,
    `with the seed "${request.seed}" (UTF-8, no trailing newline; e.g. printf '%s' ${shellQuoted(`${request.seed}:${example}`)} | sha256sum),`,
    `sort the changes by that hash as lowercase hexadecimal text, ascending,`,
    `and take the first ${Math.min(request.size, populationSize)}.`,
  ].join(' ');
}

/**
 * The sample of `request.size` changes. `repository` stands in for a row that does not name one
 * (a population read from local bundles only).
 */
export function drawSample(rows: readonly PopulationRow[], request: SampleRequest, repository = ''): Sample {
  if (!Number.isInteger(request.size) || request.size < 0)
    throw new Error(`the sample size must be a whole number of changes, not ${request.size}`);
  const ranked = rows.map((row) => {
    const repo = row.repository ?? repository;
    const key = sampleKey(request.seed, repo, row.number);
    return { number: row.number, repository: repo, key, rank: sha256(key) };
  });
  ranked.sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
  return {
    size: Math.min(request.size, rows.length),
    seed: request.seed,
    method: sampleMethod(
      request,
      rows.length,
      ranked[0] ? `${ranked[0].repository}#${ranked[0].number}` : undefined,
    ),
    changes: ranked.slice(0, request.size),
  };
}
