// The dialogue termination function g (paper §3.5, Table 2): a counselor reply ends the
// session when it contains one of the phrases. Matching is by substring, case-insensitive
// (for English), after Unicode NFKC normalisation so full-width letters and compatibility
// forms match their plain spelling.

export interface TerminationMatcher {
  readonly phrases: readonly string[];
  /** The longest phrase found in the reply ("See you next time" rather than "Next time"), or null. */
  match(reply: string): string | null;
}

const fold = (s: string) => s.normalize('NFKC').toLowerCase();

export function terminationMatcher(phrases: readonly string[]): TerminationMatcher {
  const folded = phrases.map((p) => [p, fold(p)] as const).filter(([, f]) => f.trim() !== '');
  return {
    phrases,
    match(reply) {
      const text = fold(reply);
      let found: readonly [string, string] | null = null;
      for (const entry of folded) if (text.includes(entry[1]) && (!found || entry[1].length > found[1].length)) found = entry;
      return found ? found[0] : null;
    },
  };
}
