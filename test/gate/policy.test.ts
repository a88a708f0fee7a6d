import { describe, expect, it } from 'vitest';
import { type GatePolicy, parsePolicy } from '../../src/gate/policy.js';
import { bindPolicy } from '../../src/gate/policy-binding.js';
import { parseRuleExpression } from '../../src/gate/rule-expression.js';
import { BadInputError } from '../../src/util/errors.js';

const context = {
  labels: ['ham', 'spam'],
  positive: 'spam',
  slices: new Map<string, readonly string[]>([
    ['corpus_group', ['easy-ham-1', 'hard-ham-1', 'spam-2']],
    ['has_html', ['false', 'true']],
  ]),
};

function errorOf(f: () => unknown): BadInputError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(BadInputError);
    return err as BadInputError;
  }
  throw new Error('expected a BadInputError');
}

const POLICY = `# a gate policy
level: 0.9
resamples: 500
seed: 3
costs:
  spam: { ham: 5 }
rules:
  - recall[spam] >= 0.95
  - fpr[ham] <= 0.01
  - f1_macro >= baseline - 0.01
  - rule: recall[spam] >= 0.9 per corpus_group
    minSupport: 30
  - metric: fpr
    class: ham
    op: "<="
    value: 0.02
    slice: { corpus_group: hard-ham-1 }
    name: hard ham stays deliverable
  - newly_wrong[spam] <= 5
  - cost <= baseline + 0.002
`;

describe('parsePolicy', () => {
  it('reads compact and structured rules into one normal form', () => {
    const p = parsePolicy(POLICY, 'gate.yaml');
    expect([p.level, p.resamples, p.seed]).toEqual([0.9, 500, 3]);
    expect(p.rules.map((r) => r.text)).toEqual([
      'recall[spam] >= 0.95',
      'fpr[ham] <= 0.01',
      'f1_macro >= baseline - 0.01',
      'recall[spam] >= 0.9 per corpus_group',
      'fpr[ham] <= 0.02 where corpus_group = "hard-ham-1"',
      'newly_wrong[spam] <= 5',
      'cost <= baseline + 0.002',
    ]);
    const [abs, , rel, perSlice, structured, flips, cost] = p.rules;
    expect(abs).toMatchObject({
      metric: 'recall',
      class: 'spam',
      op: '>=',
      bound: { kind: 'absolute', value: 0.95 },
    });
    expect(abs!.decideOn).toBe('estimate');
    // Non-inferiority is decided on the interval by default.
    expect(rel).toMatchObject({
      bound: { kind: 'baseline', offset: -0.01 },
      decideOn: 'interval',
      class: null,
    });
    expect(perSlice).toMatchObject({ slice: { column: 'corpus_group', value: null }, minSupport: 30 });
    expect(structured).toMatchObject({
      name: 'hard ham stays deliverable',
      slice: { column: 'corpus_group', value: 'hard-ham-1' },
    });
    expect(flips).toMatchObject({
      metric: 'newly_wrong',
      class: 'spam',
      bound: { kind: 'absolute', value: 5 },
    });
    expect(cost).toMatchObject({ bound: { kind: 'baseline', offset: 0.002 }, costs: { spam: { ham: 5 } } });
  });

  it('accepts JSON, which is YAML', () => {
    const p = parsePolicy('{"rules": ["accuracy >= baseline", {"rule": "f1[spam] >= 0.8"}]}', 'gate.json');
    expect(p.rules.map((r) => r.text)).toEqual(['accuracy >= baseline', 'f1[spam] >= 0.8']);
    expect(p.rules[0]!.bound).toEqual({ kind: 'baseline', offset: 0 });
  });

  it('parses where-clauses with quoted values', () => {
    expect(parseRuleExpression('recall[spam] >= .5 where sender_tld = "co.uk"', ['rules', 0]).slice).toEqual({
      column: 'sender_tld',
      value: 'co.uk',
    });
    expect(parseRuleExpression('accuracy <= 1e-1', ['rules', 0]).bound).toEqual({
      kind: 'absolute',
      value: 0.1,
    });
  });

  it('names the path and line of an unknown metric, with a hint', () => {
    const e = errorOf(() => parsePolicy(POLICY.replace('f1_macro >=', 'recal >='), 'gate.yaml'));
    expect(e.message).toMatch(
      /^gate\.yaml, line 10: rules\[2\]\.metric: unknown metric "recal" \(did you mean "recall"\?\)/,
    );
    const s = errorOf(() => parsePolicy('rules:\n  - metric: f2\n    op: ">="\n    value: 1\n', 'g.yaml'));
    expect(s.message).toMatch(/^g\.yaml, line 2: rules\[0\]\.metric: unknown metric "f2"/);
  });

  it('rejects bad operators, unknown keys, missing bounds and malformed rules by path', () => {
    expect(errorOf(() => parsePolicy(POLICY.replace('op: "<="', 'op: "<<"'), 'gate.yaml')).message).toMatch(
      /^gate\.yaml, line 15: rules\[4\]\.op: /,
    );
    expect(
      errorOf(() => parsePolicy(POLICY.replace('minSupport', 'minSuport'), 'gate.yaml')).message,
    ).toMatch(/^gate\.yaml, line 12: rules\[3\]\.minSuport: unknown key$/);
    expect(
      errorOf(() =>
        parsePolicy(POLICY.replace('value: 0.02', 'baseline: -0.01\n    value: 0.02'), 'gate.yaml'),
      ).message,
    ).toMatch(/rules\[4\]: give exactly one of "value" or "baseline"/);
    expect(errorOf(() => parsePolicy('rules: ["recall[spam] => 0.9"]', 'g.yaml')).message).toMatch(
      /^g\.yaml, line 1: rules\[0\]: cannot parse rule/,
    );
    expect(errorOf(() => parsePolicy('rules: ["recall[spam] >= lots"]', 'g.yaml')).message).toMatch(
      /rules\[0\]: bound "lots" is neither a number/,
    );
    expect(errorOf(() => parsePolicy('rules: []', 'g.yaml')).message).toMatch(/^g\.yaml, line 1: rules: /);
    expect(errorOf(() => parsePolicy('level: 2\nrules: ["accuracy >= 0.5"]', 'g.yaml')).message).toMatch(
      /^g\.yaml, line 1: level: /,
    );
  });

  it('checks that each metric gets the class and bound it needs', () => {
    expect(errorOf(() => parsePolicy('rules: ["recall >= 0.9"]', 'g.yaml')).message).toMatch(
      /rules\[0\]\.class: metric "recall" needs a class/,
    );
    expect(errorOf(() => parsePolicy('rules: ["accuracy[spam] >= 0.9"]', 'g.yaml')).message).toMatch(
      /rules\[0\]\.class: metric "accuracy" is not per class/,
    );
    expect(errorOf(() => parsePolicy('rules: ["newly_wrong[spam] <= baseline"]', 'g.yaml')).message).toMatch(
      /already compares the two models/,
    );
    expect(errorOf(() => parsePolicy('rules: ["cost <= 0.1"]', 'g.yaml')).message).toMatch(
      /rules\[0\]\.costs: metric "cost" needs a cost matrix/,
    );
    expect(
      errorOf(() => parsePolicy('rules: [{rule: "f1_macro >= baseline", decideOn: estimate}]', 'g.yaml'))
        .message,
    ).toMatch(/rules\[0\]\.decideOn: a rule relative to the baseline is decided on the paired interval/);
  });

  it('rejects options that do not apply to the metric', () => {
    expect(
      errorOf(() => parsePolicy('rules: [{rule: "accuracy >= 0.9", costs: {a: {b: 2}}}]', 'g.yaml')).message,
    ).toMatch(/rules\[0\]\.costs: a cost matrix only applies to metric "cost"/);
    expect(
      errorOf(() => parsePolicy('rules: [{rule: "newly_wrong <= 3", decideOn: interval}]', 'g.yaml')).message,
    ).toMatch(/rules\[0\]\.decideOn: metric "newly_wrong" is a count on the golden set/);
  });

  it('reports YAML syntax errors with their line', () => {
    expect(errorOf(() => parsePolicy('level: 0.9\nlevel: 0.8\nrules: []\n', 'g.yaml')).message).toBe(
      'g.yaml, line 2: not valid YAML: Map keys must be unique',
    );
  });
});

describe('bindPolicy', () => {
  const bind = (text: string): ReturnType<typeof bindPolicy> =>
    bindPolicy(parsePolicy(text, 'gate.yaml'), context);

  it('resolves class indices and the cost matrix (unlisted errors cost 1)', () => {
    const bound = bind(POLICY);
    expect(bound[0]!.classIdx).toBe(1);
    expect(bound[1]!.classIdx).toBe(0);
    expect(bound[2]!.classIdx).toBe(-1);
    // costs[true * K + predicted]: ham→spam 1 (default), spam→ham 5.
    expect(Array.from(bound[6]!.costs!.values)).toEqual([0, 1, 5, 0]);
  });

  it('names the path of an unknown class, slice column or slice value', () => {
    expect(errorOf(() => bind(POLICY.replace('recall[spam] >= 0.95', 'recall[spma] >= 0.95'))).message).toBe(
      'gate.yaml, line 8: rules[0].class: unknown class "spma" (did you mean "spam"?); classes: "ham", "spam"',
    );
    expect(errorOf(() => bind(POLICY.replace('per corpus_group', 'per corpus'))).message).toMatch(
      /^gate\.yaml, line 11: rules\[3\]\.slice: unknown slice "corpus"; slice columns: "corpus_group", "has_html"/,
    );
    expect(
      errorOf(() => bind(POLICY.replace('{ corpus_group: hard-ham-1 }', '{ corpus_group: hard-ham-9 }')))
        .message,
    ).toMatch(
      /^gate\.yaml, line 17: rules\[4\]\.slice\.corpus_group: slice corpus_group has no value "hard-ham-9"/,
    );
    expect(errorOf(() => bind(POLICY.replace('spam: { ham: 5 }', 'spam: { hamm: 5 }'))).message).toMatch(
      /^gate\.yaml, line 6: costs\.spam\.hamm: unknown class "hamm"/,
    );
  });

  it('keeps a policy parsed once bindable to other data', () => {
    const p: GatePolicy = parsePolicy('rules: ["recall[toxic] >= 0.5"]', 'g.yaml');
    expect(() => bindPolicy(p, context)).toThrow(/unknown class "toxic"/);
    expect(bindPolicy(p, { labels: ['ok', 'toxic'], positive: null, slices: new Map() })[0]!.classIdx).toBe(
      1,
    );
  });
});
