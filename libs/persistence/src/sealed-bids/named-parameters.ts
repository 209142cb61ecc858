/**
 * `:name` placeholders → node-pg's `$n`, numbered by first appearance, so adding a column to a
 * statement cannot shift the other parameters. `::type` casts are left alone; every name used
 * must be given, and every name given must be used (a typo fails here, not in PostgreSQL).
 */
export function namedParameters(
  text: string,
  values: Record<string, unknown>,
): { text: string; parameters: unknown[] } {
  const order: string[] = [];
  const numbered = text.replace(/(?<![:\w]):([A-Za-z_]\w*)/g, (_match, name: string) => {
    if (!Object.prototype.hasOwnProperty.call(values, name)) throw new Error(`no value for :${name}`);
    let index = order.indexOf(name);
    if (index < 0) index = order.push(name) - 1;
    return `$${index + 1}`;
  });
  const unused = Object.keys(values).filter((name) => !order.includes(name));
  if (unused.length > 0) throw new Error(`values not in the statement: ${unused.join(', ')}`);
  return { text: numbered, parameters: order.map((name) => values[name]) };
}
