import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * OpenAPI names each body's schema after its class: two DTO classes of one name overwrite each
 * other in /docs (Nest only warns, "Duplicate DTO detected"), so a client reads the wrong body.
 */
describe('API body classes have names of their own', () => {
  it('no two DTO classes under apps/api share a name', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
        entry.isDirectory()
          ? files(join(dir, entry.name))
          : entry.name.endsWith('.ts')
            ? [join(dir, entry.name)]
            : [],
      );
    const seen = new Map<string, string[]>();
    for (const file of files('apps/api/src'))
      for (const [, name] of readFileSync(file, 'utf8').matchAll(/export class (\w+(?:Dto|Query))\b/g))
        seen.set(name, [...(seen.get(name) ?? []), file]);
    const duplicated = [...seen].filter(([, where]) => where.length > 1);
    expect(duplicated).toEqual([]);
    // The check reads what it should: the API's body classes are many.
    expect(seen.size).toBeGreaterThan(40);
  });
});
