import { type CommitteeDrawInput, type PoolExpert, drawCommittee } from './evaluation-committee.js';
import {
  type RecordedCommitteeDraw,
  isExpertAvailableOn,
  isSpecialtyCode,
  recordPool,
  replayRecordedDraw,
} from './expert-pool.js';
import { isUnifiedSocialCreditCode, unifiedSocialCreditCheckCharacter } from './organization-code.js';

describe('isUnifiedSocialCreditCode (统一社会信用代码, GB 32100-2015)', () => {
  it.each<[string, unknown, boolean]>([
    ['a published code', '91350100M000100Y43', true],
    ['another, check character a letter', '91110000802100433B', true],
    ['another, check character T', '91440300708461136T', true],
    ['the wrong check character', '91350100M000100Y44', false],
    ['two characters swapped', '91350100M000010Y43', false],
    ['lower case', '91110000802100433b', false],
    ['17 characters', '91350100M000100Y4', false],
    ['19 characters', '91350100M000100Y433', false],
    ['a letter the standard leaves out (O)', '91350100O000100Y43', false],
    ['a letter the standard leaves out (I)', '9135010I0000100Y43', false],
    ['spaces around', ' 91350100M000100Y43', false],
    ['not a string', 91350100, false],
    ['null', null, false],
  ])('%s: %s → %s', (_name, value, valid) => {
    expect(isUnifiedSocialCreditCode(value)).toBe(valid);
  });

  it.each([
    ['91350100M000100Y4', '3'],
    ['91110000802100433', 'B'],
    ['12345678901234567', unifiedSocialCreditCheckCharacter('12345678901234567')],
  ])('the check character of %s is %s, and the completed code is valid', (first17, check) => {
    expect(unifiedSocialCreditCheckCharacter(first17)).toBe(check);
    expect(isUnifiedSocialCreditCode(first17 + check)).toBe(true);
  });

  it('refuses to compute a check character for a malformed prefix', () => {
    expect(() => unifiedSocialCreditCheckCharacter('9135010OM000100Y4')).toThrow(RangeError);
  });
});

describe('isSpecialtyCode', () => {
  it.each<[unknown, boolean]>([
    ['building', true],
    ['municipal', true],
    ['cost', true],
    ['it_systems2', true],
    ['b', false],
    ['Building', false],
    ['2building', false],
    ['building-works', false],
    ['x'.repeat(33), false],
    ['', false],
    [7, false],
  ])('%s → %s', (value, valid) => {
    expect(isSpecialtyCode(value)).toBe(valid);
  });
});

describe('isExpertAvailableOn: marked available and not inside a stated absence', () => {
  it.each<[string, boolean, string | null, boolean]>([
    ['available, no absence', true, null, true],
    ['marked unavailable', false, null, false],
    ['marked unavailable, absence over', false, '2026-11-01', false],
    ['away until yesterday', true, '2026-11-28', true],
    ['away until today (the last day away)', true, '2026-11-29', false],
    ['away until tomorrow', true, '2026-11-30', false],
  ])('%s → %s', (_name, available, unavailableUntil, drawable) => {
    expect(isExpertAvailableOn({ available, unavailableUntil }, '2026-11-29')).toBe(drawable);
  });
});

// ---------------------------------------------------------------------------------------------

const OWNER = '91350100M000100Y43';
const BIDDER = '91110000802100433B';
const OTHER = '91440300708461136T';
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const expert = (n: number, changes: Partial<PoolExpert> = {}): PoolExpert => ({
  id: id(n),
  specialties: n % 2 === 0 ? ['building', 'cost'] : ['building'],
  employerOrgId: OTHER,
  available: true,
  recentSittings: [],
  ...changes,
});

const input: CommitteeDrawInput = {
  pool: [
    ...[1, 2, 3, 4, 5, 6, 7, 8].map((n) => expert(n)),
    expert(9, { employerOrgId: OWNER }),
    expert(10, { employerOrgId: BIDDER }),
    expert(11, { available: false }),
    expert(12, { recentSittings: [{ ownerOrgId: OWNER, satOn: '2026-10-01' }] }),
    expert(13, { recentSittings: [{ ownerOrgId: OTHER, satOn: '2026-11-20' }] }),
  ],
  ownerOrgId: OWNER,
  bidderOrgIds: [BIDDER],
  needs: [
    { specialty: 'building', count: 3 },
    { specialty: 'cost', count: 2 },
  ],
  seed: 'a'.repeat(64),
  today: '2026-11-29',
  recentSittingDays: 90,
};

function recorded(): RecordedCommitteeDraw {
  const draw = drawCommittee(input);
  return {
    seed: input.seed,
    needs: input.needs,
    ownerOrgCode: OWNER,
    bidderOrgCodes: [BIDDER],
    drawDay: input.today,
    recentSittingDays: input.recentSittingDays,
    pool: recordPool(input, draw),
  };
}

describe('recordPool: the pool as the draw saw it', () => {
  it('is in id order, with every exclusion and only the sittings with this owner', () => {
    const pool = recordPool(input, drawCommittee(input));
    expect(pool.map((entry) => entry.expertId)).toEqual([...Array(13).keys()].map((n) => id(n + 1)));
    expect(Object.fromEntries(pool.filter((e) => e.excluded).map((e) => [e.expertId, e.excluded]))).toEqual({
      [id(9)]: 'employed_by_owner',
      [id(10)]: 'employed_by_bidder',
      [id(11)]: 'unavailable',
      [id(12)]: 'sat_with_owner_recently',
    });
    expect(pool.find((e) => e.expertId === id(12))!.satWithOwnerOn).toEqual(['2026-10-01']);
    expect(pool.find((e) => e.expertId === id(13))!.satWithOwnerOn).toEqual([]);
  });
});

describe('replayRecordedDraw', () => {
  it('an untouched record replays to the same committee, and its exclusions hold', () => {
    const draw = drawCommittee(input);
    expect(replayRecordedDraw(recorded())).toEqual({
      memberIds: draw.expertIds,
      exclusionsHold: true,
      refusal: null,
    });
  });

  it('is independent of the order the record lists the pool in', () => {
    const record = recorded();
    expect(replayRecordedDraw({ ...record, pool: [...record.pool].reverse() }).memberIds).toEqual(
      drawCommittee(input).expertIds,
    );
  });

  const drawn = drawCommittee(input).expertIds;
  it.each<[string, (record: RecordedCommitteeDraw) => RecordedCommitteeDraw, boolean | null, boolean]>([
    // [what was changed, the change, the committee still the same? (null: depends on the seed), the exclusions still hold?]
    [
      'a drawn member removed from the pool',
      (r) => ({ ...r, pool: r.pool.filter((e) => e.expertId !== drawn[0]) }),
      false,
      true,
    ],
    [
      "a drawn member marked excluded as the owner's employee (without the employer changed)",
      (r) => ({
        ...r,
        pool: r.pool.map((e) =>
          e.expertId === drawn[0] ? { ...e, excluded: 'employed_by_owner' as const } : e,
        ),
      }),
      false,
      false,
    ],
    [
      "the owner's employee let back in",
      (r) => ({ ...r, pool: r.pool.map((e) => (e.expertId === id(9) ? { ...e, excluded: null } : e)) }),
      null,
      false,
    ],
    ['another seed', (r) => ({ ...r, seed: 'b'.repeat(64) }), false, true],
    [
      'a shorter window that would have let expert 12 in',
      (r) => ({ ...r, recentSittingDays: 30 }),
      true,
      false,
    ],
  ])('%s → same committee %s, exclusions hold %s', (_name, tamper, sameCommittee, hold) => {
    const replay = replayRecordedDraw(tamper(recorded()));
    if (sameCommittee !== null)
      expect(replay.memberIds !== null && replay.memberIds.join() === drawn.join()).toBe(sameCommittee);
    expect(replay.exclusionsHold).toBe(hold);
  });

  it('a record that cannot fill the needs replays to no committee, with the code', () => {
    const record = recorded();
    const replay = replayRecordedDraw({ ...record, needs: [{ specialty: 'cost', count: 9 }] });
    expect(replay).toEqual({ memberIds: null, exclusionsHold: true, refusal: 'NOT_ENOUGH_ELIGIBLE_EXPERTS' });
  });
});
