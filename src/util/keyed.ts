/**
 * Objects keyed by names that come from data (labels, classes, slice values, reviewers, policy
 * keys). A plain `{}` answers `counts['constructor']` with Object's constructor and turns
 * `counts['__proto__'] = 1` into a prototype change; these objects have no prototype, so every
 * name is just a key. They serialise with JSON.stringify like any object.
 */
export function keyedRecord<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>;
  if (entries) for (const [k, v] of entries) out[k] = v;
  return out;
}

/** The value stored under `key` as an own property (never one inherited from Object.prototype). */
export function ownValue<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}
