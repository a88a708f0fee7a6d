import { z } from 'zod';

/**
 * A policy taxonomy: policies named by path (`offensive/sexism/misogyny`), each with an optional
 * parent, plus how a positive child makes its ancestors positive. The dataset spec carries it; the
 * same closure applies to golden labels and to predictions, so both sides are compared on one set.
 */
export const PolicySchema = z
  .object({
    /** Policy name; a child conventionally extends its parent's name with `/`. */
    name: z.string().min(1),
    /** The parent policy's name; absent for a root. */
    parent: z.string().min(1).optional(),
    /** What the policy covers, for people (reports, review tools). */
    description: z.string().optional(),
  })
  .strict();
export type Policy = z.infer<typeof PolicySchema>;

export const TaxonomySchema = z
  .object({
    policies: z.array(PolicySchema).min(1),
    /**
     * The item-level "any violation" label: positive when any policy is. Either a new name (added
     * above every root) or the name of the only root policy, when that root already means it.
     */
    rollup: z.string().min(1).optional(),
    /** `any-child`: a positive child makes every ancestor positive; `none`: labels are taken as given. */
    propagation: z.enum(['any-child', 'none']).default('any-child'),
    /** A parent's score when the model does not score it itself: the largest child score, or 1 − Π(1 − child). */
    parentScore: z.enum(['max', 'noisy-or']).default('max'),
  })
  .strict()
  .superRefine((t, ctx) => {
    const names = new Set<string>();
    t.policies.forEach((p, i) => {
      if (names.has(p.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'name'],
          message: `policy "${p.name}" is listed twice`,
        });
      }
      names.add(p.name);
    });
    t.policies.forEach((p, i) => {
      if (p.parent !== undefined && !names.has(p.parent)) {
        ctx.addIssue({
          code: 'custom',
          path: ['policies', i, 'parent'],
          message: `unknown parent policy "${p.parent}" of "${p.name}"`,
        });
      }
    });
    const parentOf = new Map(t.policies.map((p) => [p.name, p.parent]));
    for (const p of t.policies) {
      const seen = new Set<string>([p.name]);
      for (let up = p.parent; up !== undefined; up = parentOf.get(up)) {
        if (seen.has(up)) {
          ctx.addIssue({
            code: 'custom',
            path: ['policies'],
            message: `policy "${p.name}" is its own ancestor`,
          });
          return;
        }
        seen.add(up);
      }
    }
    if (t.rollup !== undefined && names.has(t.rollup)) {
      const roots = t.policies.filter((p) => p.parent === undefined).map((p) => p.name);
      if (roots.length !== 1 || roots[0] !== t.rollup) {
        ctx.addIssue({
          code: 'custom',
          path: ['rollup'],
          message: `rollup "${t.rollup}" names a policy; it must then be the only root (roots: ${roots.join(', ')})`,
        });
      }
    }
  });
export type TaxonomySpec = z.infer<typeof TaxonomySchema>;
export type TaxonomySpecInput = z.input<typeof TaxonomySchema>;

/** A validated taxonomy with its lookups precomputed. */
export class Taxonomy {
  /** Every label in report order: the policies as declared, then a new roll-up name if any. */
  readonly labels: readonly string[];
  readonly rollup: string | undefined;
  readonly propagation: 'any-child' | 'none';
  readonly parentScore: 'max' | 'noisy-or';
  private readonly parentOf: Map<string, string | undefined>;
  private readonly childrenOf: Map<string, string[]>;

  /** The taxonomy as the spec declared it (written back beside derived golden versions). */
  readonly spec: TaxonomySpec;

  constructor(spec: TaxonomySpec) {
    this.spec = spec;
    this.rollup = spec.rollup;
    this.propagation = spec.propagation;
    this.parentScore = spec.parentScore;
    const declared = spec.policies.map((p) => p.name);
    const extraRoot = spec.rollup !== undefined && !declared.includes(spec.rollup);
    this.parentOf = new Map<string, string | undefined>();
    for (const p of spec.policies) {
      this.parentOf.set(p.name, p.parent ?? (extraRoot ? spec.rollup : undefined));
    }
    if (extraRoot) this.parentOf.set(spec.rollup!, undefined);
    this.labels = Object.freeze(extraRoot ? [...declared, spec.rollup!] : declared);
    this.childrenOf = new Map(this.labels.map((l) => [l, []]));
    for (const [name, parent] of this.parentOf)
      if (parent !== undefined) this.childrenOf.get(parent)!.push(name);
  }

  has(name: string): boolean {
    return this.parentOf.has(name);
  }

  parent(name: string): string | undefined {
    return this.parentOf.get(name);
  }

  children(name: string): readonly string[] {
    return this.childrenOf.get(name) ?? [];
  }

  /** Every policy below `name` (children, grandchildren, ...), in label order. */
  descendants(name: string): string[] {
    const out = new Set<string>();
    const walk = (n: string): void => {
      for (const c of this.children(n)) {
        out.add(c);
        walk(c);
      }
    };
    walk(name);
    return this.labels.filter((l) => out.has(l));
  }

  /** Parents, grandparents, ... of `name`, nearest first. */
  ancestors(name: string): string[] {
    const out: string[] = [];
    for (let up = this.parentOf.get(name); up !== undefined; up = this.parentOf.get(up)) out.push(up);
    return out;
  }

  /** Policies with no children. */
  leaves(): string[] {
    return this.labels.filter((l) => this.children(l).length === 0);
  }

  /** Labels that have children (parents and the roll-up). */
  parents(): string[] {
    return this.labels.filter((l) => this.children(l).length > 0);
  }

  /**
   * Expand a policy pattern: a plain name is itself; `a/*` is every direct child of `a`; `a/**`
   * every descendant. Unknown names return undefined, so callers can name them in their errors.
   */
  expand(pattern: string): string[] | undefined {
    if (pattern.endsWith('/**')) {
      const base = pattern.slice(0, -3);
      return this.has(base) ? this.descendants(base) : undefined;
    }
    if (pattern.endsWith('/*')) {
      const base = pattern.slice(0, -2);
      return this.has(base) ? this.labels.filter((l) => this.children(base).includes(l)) : undefined;
    }
    return this.has(pattern) ? [pattern] : undefined;
  }

  /** The label set closed upward under the propagation rule (input order kept, ancestors appended). */
  close(labels: Iterable<string>): string[] {
    const out = new Set<string>(labels);
    if (this.propagation === 'any-child') {
      for (const l of [...out]) for (const a of this.ancestors(l)) out.add(a);
    }
    if (this.rollup !== undefined && out.size > 0) out.add(this.rollup);
    return this.labels.filter((l) => out.has(l)).concat([...out].filter((l) => !this.has(l)));
  }

  /**
   * Close flags in place over `labels` order (1 = positive): every positive label makes its
   * ancestors positive. `labels` must be this taxonomy's labels or a superset-ordered view of them.
   */
  closeFlags(flags: Uint8Array, labels: readonly string[] = this.labels): void {
    if (this.propagation === 'none' && this.rollup === undefined) return;
    const index = new Map(labels.map((l, i) => [l, i]));
    let any = false;
    for (let j = 0; j < labels.length; j++) {
      if (!flags[j]) continue;
      any = true;
      if (this.propagation === 'any-child') {
        for (const a of this.ancestors(labels[j]!)) {
          const ai = index.get(a);
          if (ai !== undefined) flags[ai] = 1;
        }
      }
    }
    if (any && this.rollup !== undefined) {
      const r = index.get(this.rollup);
      if (r !== undefined) flags[r] = 1;
    }
  }

  /**
   * Close n rows of predictions in place (row-major n × labels.length): flags upward as
   * closeFlags, and each parent's score raised to what parentScore makes of its children's (a
   * model's own, higher parent score is kept). Deepest parents first, so a grandparent sees its
   * children's combined scores.
   */
  closePredictions(flags: Uint8Array, scores: Float32Array, labels: readonly string[], n: number): void {
    const k = labels.length;
    const index = new Map(labels.map((l, j) => [l, j]));
    const parents = labels
      .filter((l) => this.children(l).length > 0)
      .sort((a, b) => this.ancestors(b).length - this.ancestors(a).length)
      .map((p) => ({
        at: index.get(p)!,
        children: this.children(p)
          .map((c) => index.get(c))
          .filter((j): j is number => j !== undefined),
      }))
      .filter((p) => p.children.length > 0);
    for (let i = 0; i < n; i++) {
      if (flags.length > 0) this.closeFlags(flags.subarray(i * k, (i + 1) * k), labels);
      for (const p of parents) {
        const combined = this.combineScores(p.children.map((j) => scores[i * k + j]!));
        if (combined > scores[i * k + p.at]!) scores[i * k + p.at] = combined;
      }
    }
  }

  /**
   * A parent's score from its children's (when the model has no column for the parent):
   * `max`, or noisy-or 1 − Π(1 − s) (children treated as independent causes).
   */
  combineScores(children: readonly number[]): number {
    if (children.length === 0) return Number.NaN;
    if (this.parentScore === 'max') return Math.max(...children);
    let none = 1;
    for (const s of children) none *= 1 - s;
    return 1 - none;
  }
}

export function parseTaxonomy(raw: TaxonomySpecInput): Taxonomy {
  return new Taxonomy(TaxonomySchema.parse(raw));
}
