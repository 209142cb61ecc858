/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text that is Unicode: no lone surrogate (which JSON can carry but PostgreSQL's jsonb and any
 * UTF-8 store refuse). String.prototype.isWellFormed does this from ES2024 on.
 */
export function isWellFormedText(value: string): boolean {
  return !LONE_SURROGATE.test(value);
}
