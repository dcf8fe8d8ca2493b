import { distance } from 'fastest-levenshtein';

/** Edit distance between two strings (fastest-levenshtein). */
export function levenshtein(a: string, b: string): number {
  return distance(a, b);
}

/**
 * The candidates closest to a misspelt name, for "did you mean" hints.
 * @param name what the user wrote
 * @param candidates names that exist
 * @param max how many to return (default 3)
 * @returns candidates within an edit distance of max(2, a third of the name), closest first
 */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(2, Math.floor(name.length / 3));
  return [...new Set(candidates)]
    .map((candidate) => ({ candidate, d: distance(name, candidate) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map(({ candidate }) => candidate);
}
