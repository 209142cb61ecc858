/**
 * The OCDS output validated against the official OCDS 1.1.5 schemas (draft-04) with ajv, for
 * every line and every status: the release package of each process, and its record package with
 * the compiled release (schemas: test/support/ocds-schemas.ts).
 */
import type { ValidateFunction } from 'ajv';
import { recordPackage, releasePackage, releasesOf } from '@ggzy/open-data';
import { EVERY_LINE_AND_STATUS, OPTIONS, processAt } from './ocds-processes.js';
import { validateRecordPackage, validateReleasePackage } from './support/ocds-schemas.js';

const META = {
  uri: 'https://ggzy.example.cn/api/ocds/releases',
  publishedAt: new Date('2026-11-27T16:00:00Z'),
};
const errorsOf = (validate: ValidateFunction) =>
  (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);

describe('OCDS 1.1.5 schema validation, every line and status', () => {
  it.each(EVERY_LINE_AND_STATUS)(
    '%s / %s: the release package and the record package are valid',
    (line, status) => {
      const process = processAt(line, status);
      const releases = releasesOf(process, OPTIONS);
      if (releases.length === 0) {
        // A draft is not public: nothing to publish, and an empty package would be invalid by schema.
        expect(['registered', 'planned', 'draft', 'accepted']).toContain(status);
        expect(recordPackage([process], OPTIONS, META).records).toEqual([]);
        return;
      }
      const releasePkg = releasePackage([process], OPTIONS, META);
      expect(validateReleasePackage(releasePkg) ? [] : errorsOf(validateReleasePackage)).toEqual([]);
      const recordPkg = recordPackage([process], OPTIONS, META);
      expect(validateRecordPackage(recordPkg) ? [] : errorsOf(validateRecordPackage)).toEqual([]);
    },
  );

  it('a package of every process at once is valid too', () => {
    const processes = EVERY_LINE_AND_STATUS.map(([line, status]) => processAt(line, status));
    const releasePkg = releasePackage(processes, OPTIONS, META);
    expect(releasePkg.releases.length).toBeGreaterThan(100);
    expect(validateReleasePackage(releasePkg) ? [] : errorsOf(validateReleasePackage)).toEqual([]);
    expect(
      validateRecordPackage(recordPackage(processes, OPTIONS, META)) ? [] : errorsOf(validateRecordPackage),
    ).toEqual([]);
  });
});

describe('a transfer re-listed after its winner defaulted', () => {
  it('keeps the cancelled award in the superseded release and the compiled record, valid by schema', () => {
    const process = processAt('transfer', 'superseded_after_default');
    const releases = releasesOf(process, OPTIONS);
    const last = releases[releases.length - 1] as unknown as {
      tender: { status: string };
      awards?: { status: string }[];
      contracts?: { status: string }[];
    };
    expect(last.tender.status).toBe('unsuccessful');
    expect(last.awards?.map((award) => award.status)).toEqual(['cancelled']);
    // No contract is live: the winner's award was cancelled before any signature.
    expect(last.contracts ?? []).toEqual([]);
    const recordPkg = recordPackage([process], OPTIONS, META);
    expect(validateRecordPackage(recordPkg) ? [] : errorsOf(validateRecordPackage)).toEqual([]);
    const compiled = recordPkg.records[0].compiledRelease as { awards?: { status: string }[] };
    expect(compiled.awards?.map((award) => award.status)).toEqual(['cancelled']);
    const releasePkg = releasePackage([process], OPTIONS, META);
    expect(validateReleasePackage(releasePkg) ? [] : errorsOf(validateReleasePackage)).toEqual([]);
  });
});

describe('the validator rejects what the schema forbids (so the tests above can fail)', () => {
  const valid = () => releasePackage([processAt('lease', 'sold')], OPTIONS, META);
  it.each<[string, (pkg: ReturnType<typeof valid>) => void, string]>([
    [
      'money as a string',
      (pkg) => ((pkg.releases[0].tender as any).minValue.amount = '1800.00'),
      'must be number,null',
    ],
    [
      'a tender status OCDS does not know',
      (pkg) => ((pkg.releases[0].tender as any).status = 'sold'),
      'must be equal to one of the allowed values',
    ],
    [
      'a release without its ocid',
      (pkg) => delete (pkg.releases[0] as any).ocid,
      "must have required property 'ocid'",
    ],
    [
      'a tag outside the closed codelist',
      (pkg) => (pkg.releases[0].tag = ['auction']),
      'must be equal to one of the allowed values',
    ],
    [
      'a date that is not a date-time',
      (pkg) => (pkg.releases[0].date = '2026-03-02'),
      'must match format "date-time"',
    ],
    [
      'a currency that is not ISO 4217',
      (pkg) => ((pkg.releases[0].tender as any).minValue.currency = 'RMB'),
      'must be equal to one of the allowed values',
    ],
  ])('%s', (_name, corrupt, message) => {
    const pkg = valid();
    expect(validateReleasePackage(pkg)).toBe(true);
    corrupt(pkg);
    expect(validateReleasePackage(pkg)).toBe(false);
    expect(errorsOf(validateReleasePackage).join('\n')).toContain(message);
  });
});
