/**
 * The official OCDS 1.1.5 schemas (draft-04) compiled with ajv, read from shared/ocds beside the
 * repository (CI runs on a clone with a copy of shared/ beside it; OCDS_SCHEMA_DIR overrides), not
 * copied into the repo.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ValidateFunction } from 'ajv';
import ajvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const candidates = [process.env.OCDS_SCHEMA_DIR, join(repo, '..', 'shared', 'ocds'), '/work/shared/ocds'];
const schemaDir = candidates.find((dir) => dir && existsSync(join(dir, 'release-schema.json')));
if (!schemaDir)
  throw new Error(
    `the OCDS 1.1.5 schemas were not found in ${candidates.filter(Boolean).join(', ')}; set OCDS_SCHEMA_DIR`,
  );
const read = (name: string) => JSON.parse(readFileSync(join(schemaDir, name), 'utf8'));

// allErrors: a failure lists every problem; strict off: the official schemas use draft-04
// keywords and annotations (codelist, openCodelist, deprecated…) that ajv's strict mode rejects.
// Both packages are CommonJS: under ESM their export is the namespace's `default`.
const ajv = new ajvDraft04.default({ allErrors: true, strict: false });
ajvFormats.default(ajv);
// The package schemas refer to the release schema (and the record package to the versioned release
// schema) by URL: register the local files under their ids instead of fetching them.
ajv.addSchema(read('release-schema.json'));
ajv.addSchema(read('versioned-release-validation-schema.json'));
export const validateReleasePackage = ajv.compile(read('release-package-schema.json'));
export const validateRecordPackage = ajv.compile(read('record-package-schema.json'));

/** The validator's verdict as a list of problems: [] when the document is valid. */
export function schemaProblems(validate: ValidateFunction, document: unknown): string[] {
  return validate(document)
    ? []
    : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}
