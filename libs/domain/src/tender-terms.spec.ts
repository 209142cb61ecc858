import { bidDeadlineInstant, type TenderTerms, tenderTermsViolations } from './tender-terms.js';

// A made-up code in the real shape (GB 32100-2015), its check character computed by the standard.
const VALID_CODE = '91360100MA35F6GX2N';

const TERMS: TenderTerms = {
  title: '东湖区某小学教学楼新建工程施工',
  ownerName: '南昌市东湖区教育局',
  ownerOrgCode: VALID_CODE,
  kind: 'building',
  description: '框架结构五层,建筑面积 6,000 平方米',
  estimatedPrice: 2_000_000_000,
  stateFunded: true,
  evaluationMethod: 'comprehensive_scoring',
  bidderConditions: '建筑工程施工总承包二级及以上资质',
  deposit: 40_000_000,
  documents: [{ name: '招标文件.pdf', sha256: 'a'.repeat(64) }],
  bidDeadlineTime: '09:30',
};

describe('tenderTermsViolations', () => {
  it('accepts complete terms, and a deposit of 0', () => {
    expect(tenderTermsViolations(TERMS)).toEqual([]);
    expect(tenderTermsViolations({ ...TERMS, deposit: 0 })).toEqual([]);
  });

  it.each<[string, Partial<Record<keyof TenderTerms, unknown>>, string[]]>([
    ['empty title', { title: '  ' }, ['title']],
    ['long owner', { ownerName: 'x'.repeat(201) }, ['ownerName']],
    ['bad org code', { ownerOrgCode: '91360100MA35F6GX2J' }, ['ownerOrgCode']],
    ['unknown kind', { kind: 'bridge' }, ['kind']],
    ['estimate 0', { estimatedPrice: 0 }, ['estimatedPrice']],
    ['estimate fractional', { estimatedPrice: 1.5 }, ['estimatedPrice']],
    ['deposit negative', { deposit: -1 }, ['deposit']],
    ['deposit unsafe', { deposit: 2 ** 53 }, ['deposit']],
    ['stateFunded a string', { stateFunded: 'yes' }, ['stateFunded']],
    ['unknown method', { evaluationMethod: 'lowest_price' }, ['evaluationMethod']],
    ['time 24:00', { bidDeadlineTime: '24:00' }, ['bidDeadlineTime']],
    ['time 9:30', { bidDeadlineTime: '9:30' }, ['bidDeadlineTime']],
    ['documents not an array', { documents: 'x' }, ['documents']],
    ['51 documents', { documents: Array(51).fill(TERMS.documents[0]) }, ['documents']],
    [
      'document hash upper case',
      { documents: [{ name: 'a', sha256: 'A'.repeat(64) }] },
      ['documents[0].sha256'],
    ],
    ['document without a name', { documents: [{ name: '', sha256: 'a'.repeat(64) }] }, ['documents[0].name']],
    ['two at once', { title: '', kind: 'x' }, ['title', 'kind']],
  ])('%s → %p', (_, change, fields) => {
    const violations = tenderTermsViolations({ ...TERMS, ...change } as TenderTerms);
    expect(violations.map((violation) => violation.field)).toEqual(fields);
    // A rule names the field, never the value given.
    const given = Object.values(change).filter((value) => typeof value === 'string' && value.length >= 3);
    for (const violation of violations)
      for (const value of given) expect(violation.rule).not.toContain(value);
  });
});

describe('bidDeadlineInstant', () => {
  it.each([
    ['2026-12-21', '09:30', 'Asia/Shanghai', '2026-12-21T01:30:00.000Z'],
    ['2026-12-21', '00:00', 'Asia/Shanghai', '2026-12-20T16:00:00.000Z'],
    ['2026-12-21', '23:59', 'Asia/Shanghai', '2026-12-21T15:59:00.000Z'],
    ['2026-07-01', '09:30', 'Europe/Berlin', '2026-07-01T07:30:00.000Z'],
  ])('%s %s in %s → %s', (day, time, zone, instant) => {
    expect(bidDeadlineInstant(day, time, zone).toISOString()).toBe(instant);
  });

  it('refuses a time that is not HH:MM', () => {
    expect(() => bidDeadlineInstant('2026-12-21', '9:30', 'Asia/Shanghai')).toThrow(RangeError);
  });
});
