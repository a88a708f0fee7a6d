/**
 * A SYNTHETIC policy taxonomy for multi-policy tests: two unrelated roots (hate with two children,
 * spam) under a new roll-up, so fixtures can hold items with two unrelated policies, which the
 * real fortunes curation lacks.
 */
export const SYNTHETIC_TAXONOMY = {
  policies: [
    { name: 'hate' },
    { name: 'hate/slur', parent: 'hate' },
    { name: 'hate/threat', parent: 'hate' },
    { name: 'spam' },
  ],
  rollup: 'violating',
};

/** Its labels in report order: the policies as declared, then the roll-up. */
export const SYNTHETIC_POLICY_LABELS = ['hate', 'hate/slur', 'hate/threat', 'spam', 'violating'];
