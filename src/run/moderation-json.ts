/**
 * One answer of a hosted moderation API, as logged: per-category booleans and per-category scores.
 * The shape is OpenAI's moderation response (`{"results": [{"flagged", "categories": {name: bool},
 * "category_scores": {name: number}}]}`), read either whole (its first result) or as one result
 * object (`{"categories", "category_scores"}`). Category names are the API's (`harassment`,
 * `hate/threatening`, `sexual/minors`, ...); mapping them to policies is the caller's job.
 */

export interface ModerationAnswer {
  /** Category → flagged; absent when the answer has no `categories` object. */
  readonly flags: ReadonlyMap<string, boolean> | undefined;
  /** Category → score in [0, 1]; absent when the answer has no `category_scores` object. */
  readonly scores: ReadonlyMap<string, number> | undefined;
}

/** Why a cell is not a moderation answer, with the JSON path of the culprit inside it. */
export class ModerationShapeError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'ModerationShapeError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Entries of a JSON object as a Map, so category names such as `__proto__` stay data. */
function entries(obj: Record<string, unknown>): [string, unknown][] {
  return Object.keys(obj).map((k) => [k, obj[k]]);
}

/**
 * Read one answer from parsed JSON (a string cell already parsed, or an Arrow struct's toJSON()).
 * A null category value means "not reported" (a category the model version lacks) and is left out.
 */
export function readModerationAnswer(value: unknown): ModerationAnswer {
  if (!isObject(value)) throw new ModerationShapeError('expected a JSON object', '');
  let result = value;
  let prefix = '';
  if (value.results !== undefined && value.results !== null) {
    if (!Array.isArray(value.results) || value.results.length === 0 || !isObject(value.results[0])) {
      throw new ModerationShapeError('"results" must be a non-empty array of objects', 'results');
    }
    result = value.results[0];
    prefix = 'results[0].';
  }
  const categories = result.categories ?? null;
  const scoresObj = result.category_scores ?? null;
  if (categories === null && scoresObj === null) {
    throw new ModerationShapeError(
      'has neither "categories" (per-category booleans) nor "category_scores" (per-category scores)',
      prefix.replace(/\.$/, ''),
    );
  }
  let flags: Map<string, boolean> | undefined;
  if (categories !== null) {
    if (!isObject(categories)) throw new ModerationShapeError('must be an object', `${prefix}categories`);
    flags = new Map();
    for (const [name, v] of entries(categories)) {
      if (v === null) continue;
      if (typeof v !== 'boolean') {
        throw new ModerationShapeError(
          `is ${JSON.stringify(v)}, not a boolean`,
          `${prefix}categories.${name}`,
        );
      }
      flags.set(name, v);
    }
  }
  let scores: Map<string, number> | undefined;
  if (scoresObj !== null) {
    if (!isObject(scoresObj)) throw new ModerationShapeError('must be an object', `${prefix}category_scores`);
    scores = new Map();
    for (const [name, v] of entries(scoresObj)) {
      if (v === null) continue;
      if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
        throw new ModerationShapeError(
          `is ${JSON.stringify(v)}, not a score in [0, 1]`,
          `${prefix}category_scores.${name}`,
        );
      }
      scores.set(name, v);
    }
  }
  return { flags, scores };
}
