import {
  type Sanction,
  activeBan,
  banLastDay,
  checkNotBanned,
  checkSanction,
  falseComplaintBan,
  isBanned,
  refusalToSignRecord,
} from './credit.js';
import { DomainError, type ErrorCode } from './errors.js';

const TZ = 'Asia/Shanghai';

function codeOf(action: () => unknown): ErrorCode | 'ok' {
  try {
    action();
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

const ban = (overrides: Partial<Sanction>): Sanction => ({
  id: 'S1',
  partyId: 'party-1',
  kind: 'ban',
  reason: 'misconduct',
  basis: '招标投标法 第53条',
  sourceRef: null,
  startsOn: '2026-11-20',
  bannedUntil: '2027-11-19',
  revokedOn: null,
  ...overrides,
});

describe('banLastDay', () => {
  it.each<[string, number, string]>([
    ['2026-11-20', 12, '2027-11-19'],
    ['2026-11-20', 36, '2029-11-19'],
    ['2026-01-31', 1, '2026-03-02'],
    ['2028-02-29', 12, '2029-02-28'],
    ['2026-03-01', 12, '2027-02-28'],
  ])('%s + %d months → last day %s', (startsOn, months, expected) => {
    expect(banLastDay(startsOn, months)).toBe(expected);
  });
});

describe('checkSanction', () => {
  it.each<[string, Partial<Sanction>, ErrorCode | 'ok']>([
    ['a ban with its last day', {}, 'ok'],
    ['a one-day ban', { bannedUntil: '2026-11-20' }, 'ok'],
    ['a ban ending before it starts', { bannedUntil: '2026-11-19' }, 'SANCTION_INVALID'],
    ['a ban without an end', { bannedUntil: null }, 'SANCTION_INVALID'],
    ['a warning', { kind: 'warning', bannedUntil: null }, 'ok'],
    ['a warning with an end', { kind: 'warning' }, 'SANCTION_INVALID'],
    ['without a basis', { basis: '' }, 'VALIDATION_FAILED'],
    ['an unknown reason', { reason: 'rude' as Sanction['reason'] }, 'VALIDATION_FAILED'],
    ['not a date', { startsOn: '2026-13-01' }, 'VALIDATION_FAILED'],
    // A false complaint: 1 to 3 years, at both edges.
    ['false complaint: exactly 1 year', { reason: 'false_complaint', bannedUntil: '2027-11-19' }, 'ok'],
    [
      'false complaint: a day short of 1 year',
      { reason: 'false_complaint', bannedUntil: '2027-11-18' },
      'FALSE_COMPLAINT_BAN_OUT_OF_RANGE',
    ],
    ['false complaint: exactly 3 years', { reason: 'false_complaint', bannedUntil: '2029-11-19' }, 'ok'],
    [
      'false complaint: a day over 3 years',
      { reason: 'false_complaint', bannedUntil: '2029-11-20' },
      'FALSE_COMPLAINT_BAN_OUT_OF_RANGE',
    ],
  ])('%s → %s', (_name, overrides, expected) => {
    expect(codeOf(() => checkSanction(ban(overrides)))).toBe(expected);
  });

  it.each<[number, string | ErrorCode]>([
    [1, '2027-11-19'],
    [3, '2029-11-19'],
    [4, 'FALSE_COMPLAINT_BAN_OUT_OF_RANGE'],
    [0, 'FALSE_COMPLAINT_BAN_OUT_OF_RANGE'],
  ])('falseComplaintBan for %d year(s) → %s', (years, expected) => {
    const make = () => falseComplaintBan('party-1', 'K1', '2026-11-20', years);
    if (expected.startsWith('20'))
      expect(make()).toMatchObject({ kind: 'ban', bannedUntil: expected, sourceRef: 'K1' });
    else expect(codeOf(make)).toBe(expected);
  });

  it.each<[number, object]>([
    [0, { kind: 'warning', bannedUntil: null, reason: 'refused_to_sign' }],
    [6, { kind: 'ban', bannedUntil: '2027-05-19', reason: 'refused_to_sign' }],
  ])('a winner who refused to sign, district ban of %d months → %o', (months, expected) => {
    const record = refusalToSignRecord('party-1', 'L1', '2026-11-20', months);
    expect(record).toMatchObject(expected);
    expect(codeOf(() => checkSanction(record))).toBe('ok');
  });
});

describe('isBanned at the edges of a ban (China time)', () => {
  const sanctions = [ban({})];
  it.each<[string, string, boolean]>([
    ['the last second before the first day', '2026-11-19T23:59:59+08:00', false],
    ['the first second of the first day', '2026-11-20T00:00:00+08:00', true],
    ['the last second of the last day', '2027-11-19T23:59:59+08:00', true],
    ['24:00 of the last day', '2027-11-20T00:00:00+08:00', false],
  ])('%s → %s', (_name, at, expected) => {
    expect(isBanned('party-1', sanctions, new Date(at), TZ)).toBe(expected);
    expect(codeOf(() => checkNotBanned('party-1', sanctions, new Date(at), TZ))).toBe(
      expected ? 'PARTY_BANNED' : 'ok',
    );
  });

  it.each<[string, Sanction[], boolean]>([
    ['another party’s ban', [ban({ partyId: 'party-2' })], false],
    ['a warning', [ban({ kind: 'warning', bannedUntil: null })], false],
    ['a ban revoked the day before', [ban({ revokedOn: '2026-12-01' })], false],
    ['a ban revoked the day after', [ban({ revokedOn: '2026-12-03' })], true],
  ])('on 2026-12-02: %s → banned %s', (_name, list, expected) => {
    expect(isBanned('party-1', list, new Date('2026-12-02T10:00:00+08:00'), TZ)).toBe(expected);
  });

  it('names the longest ban in force, with its basis, in the refusal', () => {
    const list = [
      ban({ id: 'short' }),
      ban({ id: 'long', bannedUntil: '2028-01-01', basis: '政府采购法实施条例 第73条' }),
    ];
    expect(activeBan('party-1', list, new Date('2026-12-02T10:00:00+08:00'), TZ)?.id).toBe('long');
    try {
      checkNotBanned('party-1', list, new Date('2026-12-02T10:00:00+08:00'), TZ);
      throw new Error('not refused');
    } catch (error) {
      expect((error as DomainError).details).toEqual({
        sanctionId: 'long',
        reason: 'misconduct',
        basis: '政府采购法实施条例 第73条',
        bannedUntil: '2028-01-01',
      });
    }
  });
});
