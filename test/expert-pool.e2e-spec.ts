import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import { type CommitteeRule, committeeRule } from '../libs/domain/src/evaluation-committee.js';
import { unifiedSocialCreditCheckCharacter } from '../libs/domain/src/organization-code.js';
import { createDataSource } from '../libs/persistence/src/data-source.js';
import { AuditLogRepository } from '../libs/persistence/src/audit-log.repository.js';
import { ExpertsRepository } from '../libs/persistence/src/experts/experts.repository.js';
import { CommitteeDrawsRepository } from '../libs/persistence/src/experts/committee-draws.repository.js';
import {
  type CommitteeDrawRequest,
  ExpertPoolService,
} from '../libs/sealed-bids/src/experts/expert-pool.service.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type RunningHttpApp, startApi } from './support/platform.js';
import { createOperator, registerBidder, type TestUser } from './support/factories.js';
import { expectError, queryRows, tableContents } from './support/checks.js';

/** A valid 统一社会信用代码 of its own for each organisation in a test. */
const orgCode = () => {
  const body = `91360100${randomBytes(5)
    .toString('hex')
    .toUpperCase()
    .replace(/[IOSVZ]/g, '1')}`.slice(0, 17);
  return body + unifiedSocialCreditCheckCharacter(body);
};
const tender = committeeRule({ line: 'tender' })!;
const DAY = '2026-09-01';
const WINDOW = 90;

/**
 * The expert pool (专家库): staff keep experts; a host line draws a committee inside its own
 * transaction (here the test calls the service as the tender line will), conflicts excluded
 * and the pool recorded; a supervisor reads the draw and replays it. The committee is never
 * shown to bidders, staff or the public here, and there is no endpoint that draws.
 */
describe('the expert pool and the committee draw', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let bidder: TestUser;
  let dataSource: DataSource;
  let pool: ExpertPoolService;

  beforeAll(async () => {
    env = await createTestEnvironment({ COMMITTEE_RECENT_SITTING_DAYS: WINDOW });
    api = await startApi(env.config);
    [staff, supervisor, bidder] = await Promise.all([
      createOperator(env.config, api.url, 'staff'),
      createOperator(env.config, api.url, 'supervisor'),
      registerBidder(api.url),
    ]);
    dataSource = await createDataSource(env.config.DATABASE_URL, 2, 'ggzy-test-host-line').initialize();
    pool = new ExpertPoolService(
      dataSource,
      new ExpertsRepository(dataSource),
      new CommitteeDrawsRepository(dataSource),
      new AuditLogRepository(dataSource),
      env.config,
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await api?.close();
    await env?.drop();
  });

  const as = (user: TestUser | null, call: request.Test) =>
    user ? call.auth(user.token, { type: 'bearer' }) : call;
  const post = (path: string, body: unknown, user: TestUser | null = staff) =>
    as(user, request(api.url).post(path)).send(body as object);
  const patch = (path: string, body: unknown, user: TestUser | null = staff) =>
    as(user, request(api.url).patch(path)).send(body as object);
  const get = (path: string, user: TestUser | null = staff) => as(user, request(api.url).get(path));

  const expertBody = (overrides: Record<string, unknown> = {}) => ({
    name: '张工',
    employerName: '某设计院',
    employerOrgCode: orgCode(),
    specialties: ['building'],
    phone: '13800138000',
    ...overrides,
  });
  const createExpert = async (overrides: Record<string, unknown> = {}) =>
    (await post('/api/experts', expertBody(overrides)).expect(201)).body as { id: string };

  /** The tender line's call, in its own transaction. */
  const draw = (request: Partial<CommitteeDrawRequest> & Pick<CommitteeDrawRequest, 'needs'>) =>
    dataSource.transaction((manager) =>
      pool.draw(manager, {
        hostType: 'tender_project',
        hostId: randomUUID(),
        ownerOrgCode: orgCode(),
        bidderOrgCodes: [],
        rule: tender,
        drawnBy: staff.id,
        now: new Date(),
        today: DAY,
        ...request,
      }),
    );
  const refusal = async (attempt: Promise<unknown>) => {
    const error = await attempt.then(
      () => undefined,
      (failure: { code?: string; status?: number; details?: unknown }) => failure,
    );
    expect(error).toBeDefined();
    return error as { code: string; status: number; details: any };
  };
  /** A specialty no other test uses, so each test draws from its own experts. */
  const specialty = () => `s${randomBytes(4).toString('hex')}`;

  describe('staff keep the pool', () => {
    it('creates, reads, changes and pages experts; the phone only for staff, never in the trail', async () => {
      const kind = specialty();
      const created = await post(
        '/api/experts',
        expertBody({ name: '李四', specialties: [kind, 'cost', kind], phone: '0791-86688888' }),
      ).expect(201);
      expect(created.body).toMatchObject({
        name: '李四',
        specialties: [kind, 'cost'],
        available: true,
        unavailableUntil: null,
        availableToday: true,
        phone: '0791-86688888',
      });
      const id = created.body.id as string;

      expect((await get(`/api/experts/${id}`).expect(200)).body.phone).toBe('0791-86688888');
      const seen = (await get(`/api/experts/${id}`, supervisor).expect(200)).body;
      expect(seen).not.toHaveProperty('phone');
      expect(seen.name).toBe('李四');
      // Ids are canonical at the edge: an upper-case id names the same expert.
      expect((await get(`/api/experts/${id.toUpperCase()}`).expect(200)).body.id).toBe(id);

      const changed = await patch(`/api/experts/${id}`, {
        available: false,
        unavailableUntil: '2099-01-31',
        specialties: [kind],
        phone: null,
      }).expect(200);
      expect(changed.body).toMatchObject({
        available: false,
        unavailableUntil: '2099-01-31',
        availableToday: false,
        specialties: [kind],
        phone: null,
      });

      const trail = await queryRows<{ action: string; payload: string }>(
        env.config.DATABASE_URL,
        `SELECT action, payload FROM audit_log WHERE entity_id = $1 ORDER BY seq`,
        [id],
      );
      expect(trail.map((entry) => entry.action)).toEqual(['expert.created', 'expert.updated']);
      for (const entry of trail) {
        expect(entry.payload).not.toContain('李四');
        expect(entry.payload).not.toContain('86688888');
        expect(entry.payload).not.toContain('某设计院');
      }
    });

    it('lists newest first in pages, by specialty and by whether drawable today', async () => {
      const kind = specialty();
      const ids: string[] = [];
      for (const overrides of [
        {},
        { available: false },
        { unavailableUntil: '2099-12-31' },
        { unavailableUntil: '2000-01-01' },
        {},
      ])
        ids.push((await createExpert({ specialties: [kind], ...overrides })).id);
      const page = async (query: string, user = staff) =>
        (await get(`/api/experts?specialty=${kind}&${query}`, user).expect(200)).body as {
          items: { id: string }[];
          total: number;
        };
      const first = await page('limit=2&offset=0');
      const second = await page('limit=2&offset=2');
      const third = await page('limit=2&offset=4');
      expect(first.total).toBe(5);
      expect([...first.items, ...second.items, ...third.items].map((e) => e.id)).toEqual([...ids].reverse());
      expect((await page('available=true')).items.map((e) => e.id).sort()).toEqual(
        [ids[0], ids[3], ids[4]].sort(),
      );
      expect((await page('available=false', supervisor)).items.map((e) => e.id).sort()).toEqual(
        [ids[1], ids[2]].sort(),
      );
    });
  });

  describe('the draw', () => {
    it('excludes the owner’s and the bidders’ employees, the unavailable, and who sat with the owner within the window (the boundary day included, the day before it not)', async () => {
      const kind = specialty();
      const owner = orgCode();
      const rival = orgCode();
      const ownEmployee = await createExpert({ specialties: [kind], employerOrgCode: owner });
      const rivalEmployee = await createExpert({ specialties: [kind], employerOrgCode: rival });
      const away = await createExpert({ specialties: [kind], unavailableUntil: DAY });
      const free = await Promise.all([0, 1, 2, 3].map(() => createExpert({ specialties: [kind] })));

      // Two earlier committees for the same owner: one on the window's first day, one the day before.
      const satOnBoundary = await createExpert({ specialties: [kind, `${kind}a`] });
      const satBefore = await createExpert({ specialties: [kind, `${kind}b`] });
      const helpers = await Promise.all(
        [0, 1, 2, 3].map((n) => createExpert({ specialties: [`${kind}${'ab'[n % 2]}`] })),
      );
      const negotiation = committeeRule({
        line: 'procurement',
        method: 'competitive_negotiation',
        budget: 100,
      })!;
      const boundaryDay = addCalendarDays(DAY, -WINDOW);
      await draw({
        hostType: 'procurement_project',
        ownerOrgCode: owner,
        rule: negotiation,
        needs: [{ specialty: `${kind}a`, count: 3 }],
        today: boundaryDay,
      });
      await draw({
        hostType: 'procurement_project',
        ownerOrgCode: owner,
        rule: negotiation,
        needs: [{ specialty: `${kind}b`, count: 3 }],
        today: addCalendarDays(boundaryDay, -1),
      });
      expect(helpers).toHaveLength(4);

      const drawn = await draw({
        ownerOrgCode: owner,
        bidderOrgCodes: [rival, orgCode()],
        needs: [{ specialty: kind, count: 5 }],
      });
      const reasons = Object.fromEntries(drawn.candidates.map((entry) => [entry.expertId, entry.excluded]));
      expect(reasons).toEqual({
        [ownEmployee.id]: 'employed_by_owner',
        [rivalEmployee.id]: 'employed_by_bidder',
        [away.id]: 'unavailable',
        [satOnBoundary.id]: 'sat_with_owner_recently',
        [satBefore.id]: null,
        ...Object.fromEntries(free.map((expert) => [expert.id, null])),
      });
      // Exactly five were eligible: all five sit.
      expect([...drawn.memberIds].sort()).toEqual([satBefore.id, ...free.map((e) => e.id)].sort());
      expect(drawn.seed).toMatch(/^[0-9a-f]{64}$/);

      const sittings = await queryRows<{ expert_id: string; sat_on: string }>(
        env.config.DATABASE_URL,
        `SELECT expert_id, to_char(sat_on, 'YYYY-MM-DD') AS sat_on FROM committee_sittings WHERE draw_id = $1`,
        [drawn.id],
      );
      expect(sittings.map((s) => s.expert_id).sort()).toEqual([...drawn.memberIds].sort());
      expect(new Set(sittings.map((s) => s.sat_on))).toEqual(new Set([DAY]));

      // The trail has the draw, without who was drawn.
      const [entry] = await queryRows<{ payload: string }>(
        env.config.DATABASE_URL,
        `SELECT payload FROM audit_log WHERE entity_id = $1 AND action = 'committee.drawn'`,
        [drawn.id],
      );
      for (const memberId of drawn.memberIds) expect(entry.payload).not.toContain(memberId);
      expect(JSON.parse(entry.payload).data).toMatchObject({ experts: 5, excluded: 4 });
    });

    it('the same seed over the same pool draws the same committee; a supervisor’s replay matches, a tampered record does not', async () => {
      const kind = specialty();
      await Promise.all([...Array(9).keys()].map(() => createExpert({ specialties: [kind] })));
      const seed = 'replay-me-'.padEnd(40, '0');
      const first = await draw({ needs: [{ specialty: kind, count: 5 }], seed });
      const again = await draw({ needs: [{ specialty: kind, count: 5 }], seed });
      expect(again.memberIds).toEqual(first.memberIds);
      const other = await draw({ needs: [{ specialty: kind, count: 5 }], seed: `${seed}x` });
      expect(other.memberIds).not.toEqual(first.memberIds);

      const recorded = (await get(`/api/committee-draws/${first.id}`, supervisor).expect(200)).body;
      expect(recorded).toMatchObject({ id: first.id, seed, memberIds: first.memberIds, current: true });
      const replay = await post(`/api/committee-draws/${first.id}/replay`, {}, supervisor).expect(200);
      expect(replay.body).toMatchObject({
        matches: true,
        memberIds: first.memberIds,
        recordedMemberIds: first.memberIds,
        exclusionsHold: true,
      });

      // The app cannot rewrite the record; the owner can, with the trigger off, and the replay tells.
      const tampered = JSON.stringify(
        recorded.candidates.filter((e: { expertId: string }) => e.expertId !== first.memberIds[0]),
      );
      await expect(
        queryRows(env.config.DATABASE_URL, `UPDATE committee_draws SET candidates = $2 WHERE id = $1`, [
          first.id,
          tampered,
        ]),
      ).rejects.toThrow(/a committee draw is a record/);
      await expect(
        queryRows(env.config.DATABASE_URL, `DELETE FROM committee_draws WHERE id = $1`, [first.id]),
      ).rejects.toThrow(/permission denied/);
      await queryRows(
        env.config.DATABASE_OWNER_URL,
        `ALTER TABLE committee_draws DISABLE TRIGGER committee_draws_fixed;
         UPDATE committee_draws SET candidates = '${tampered}'::jsonb WHERE id = '${first.id}';
         ALTER TABLE committee_draws ENABLE TRIGGER committee_draws_fixed;`,
      );
      const after = await post(`/api/committee-draws/${first.id}/replay`, {}, supervisor).expect(200);
      expect(after.body.matches).toBe(false);
      expect(after.body.recordedMemberIds).toEqual(first.memberIds);
      expect(after.body.memberIds).not.toEqual(first.memberIds);
    });

    it('refuses too few eligible experts with NOT_ENOUGH_ELIGIBLE_EXPERTS and the shortage, writing nothing', async () => {
      const kind = specialty();
      const owner = orgCode();
      await Promise.all([0, 1, 2, 3].map(() => createExpert({ specialties: [kind] })));
      await createExpert({ specialties: [kind], employerOrgCode: owner });
      const before = await tableContents(env.config.DATABASE_URL);
      const error = await refusal(draw({ ownerOrgCode: owner, needs: [{ specialty: kind, count: 5 }] }));
      expect(error).toMatchObject({ code: 'NOT_ENOUGH_ELIGIBLE_EXPERTS', status: 422 });
      expect(error.details).toEqual({ shortages: [{ specialty: kind, needed: 5, eligible: 4 }] });
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });

    it.each<[string, string, CommitteeRule, number, number]>([
      ['a tender of 4 experts', 'COMMITTEE_TOO_SMALL', tender, 4, 0],
      ['a tender of 5 experts and 1 representative (even)', 'COMMITTEE_NOT_ODD', tender, 5, 1],
      ['a tender of 3 experts and 2 representatives (3/5 < 2/3)', 'COMMITTEE_TOO_FEW_EXPERTS', tender, 3, 2],
      [
        'a procurement tender at 1000万 with 5',
        'COMMITTEE_TOO_SMALL',
        committeeRule({ line: 'procurement', method: 'open_tender', budget: 1_000_000_000 })!,
        5,
        0,
      ],
      [
        'a procurement tender at 1000万: 4 experts and 3 representatives',
        'COMMITTEE_TOO_FEW_EXPERTS',
        committeeRule({ line: 'procurement', method: 'open_tender', budget: 1_000_000_000 })!,
        4,
        3,
      ],
      [
        'a negotiation of 2',
        'COMMITTEE_TOO_SMALL',
        committeeRule({ line: 'procurement', method: 'competitive_negotiation', budget: 100 })!,
        2,
        0,
      ],
    ])('refuses %s with %s, writing nothing', async (_name, code, rule, experts, ownerRepresentatives) => {
      const kind = specialty();
      await Promise.all([...Array(9).keys()].map(() => createExpert({ specialties: [kind] })));
      const before = await tableContents(env.config.DATABASE_URL);
      const error = await refusal(
        draw({ rule, ownerRepresentatives, needs: [{ specialty: kind, count: experts }] }),
      );
      expect(error).toMatchObject({ code, status: 422 });
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });

    it('a procurement tender under 1000万 takes 5, at 1000万 7, a negotiation 3', async () => {
      const kind = specialty();
      await Promise.all([...Array(9).keys()].map(() => createExpert({ specialties: [kind] })));
      for (const [budget, method, members] of [
        [999_999_999, 'open_tender', 5],
        [1_000_000_000, 'open_tender', 7],
        [5_000_000_000, 'competitive_negotiation', 3],
      ] as const) {
        const rule = committeeRule({ line: 'procurement', method, budget })!;
        const drawn = await draw({
          hostType: 'procurement_project',
          rule,
          needs: [{ specialty: kind, count: members }],
        });
        expect(drawn.memberIds).toHaveLength(members);
        expect(drawn.rule).toMatchObject({ minMembers: members, members, experts: members });
      }
    });

    it('a redraw names the draw it replaces; the old one is kept, superseded, and its members stop counting as sittings', async () => {
      const kind = specialty();
      await Promise.all([...Array(6).keys()].map(() => createExpert({ specialties: [kind] })));
      const hostId = randomUUID();
      const owner = orgCode();
      const needs = [{ specialty: kind, count: 5 }];
      const first = await draw({ hostId, ownerOrgCode: owner, needs });
      const before = await tableContents(env.config.DATABASE_URL);
      expect(await refusal(draw({ hostId, ownerOrgCode: owner, needs }))).toMatchObject({
        code: 'COMMITTEE_ALREADY_DRAWN',
        status: 409,
      });
      expect(
        await refusal(draw({ hostId, ownerOrgCode: owner, needs, replacing: randomUUID() })),
      ).toMatchObject({ code: 'COMMITTEE_ALREADY_DRAWN' });
      expect(
        await refusal(draw({ hostId: randomUUID(), ownerOrgCode: owner, needs, replacing: first.id })),
      ).toMatchObject({ code: 'COMMITTEE_DRAW_NOT_FOUND', status: 404 });
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);

      // A member declines (made unavailable); the host's own committee does not count against its redraw.
      const declined = first.memberIds[0];
      await patch(`/api/experts/${declined}`, { available: false }).expect(200);
      const second = await draw({ hostId, ownerOrgCode: owner, needs, replacing: first.id });
      expect(second.candidates.filter((entry) => entry.excluded !== null)).toEqual([
        expect.objectContaining({ expertId: declined, excluded: 'unavailable' }),
      ]);
      expect(second.memberIds).not.toContain(declined);
      await patch(`/api/experts/${declined}`, { available: true }).expect(200);
      const old = (await get(`/api/committee-draws/${first.id}`, supervisor).expect(200)).body;
      expect(old).toMatchObject({ current: false, supersededBy: second.id });
      expect((await pool.currentDraw({ hostType: 'tender_project', hostId }))?.id).toBe(second.id);
      // Another host of the same owner: the current committee sat; the one who only sat on the
      // superseded draw did not, and is the one eligible expert left.
      const third = await refusal(draw({ ownerOrgCode: owner, needs }));
      expect(third).toMatchObject({ code: 'NOT_ENOUGH_ELIGIBLE_EXPERTS' });
      expect(third.details.shortages).toEqual([{ specialty: kind, needed: 5, eligible: 1 }]);
    });

    it('refuses a malformed draw request with VALIDATION_FAILED, writing nothing', async () => {
      const before = await tableContents(env.config.DATABASE_URL);
      for (const bad of [
        { hostId: randomUUID().toUpperCase() },
        { hostType: 'lease_listing' as never },
        { ownerOrgCode: '91350100M000100Y44' },
        { bidderOrgCodes: ['not-a-code'] },
        { needs: [{ specialty: 'Building', count: 5 }] },
        { needs: [{ specialty: 'building', count: 2.5 }] },
        { needs: [] },
        {
          needs: [
            { specialty: 'building', count: 3 },
            { specialty: 'building', count: 2 },
          ],
        },
        { rule: null as never },
        { seed: '' },
        { today: '2026-02-30' },
        { drawnBy: 'someone' },
      ]) {
        const error = await refusal(draw({ needs: [{ specialty: 'building', count: 5 }], ...bad }));
        expect({ bad, code: error.code, status: error.status }).toEqual({
          bad,
          code: 'VALIDATION_FAILED',
          status: 400,
        });
      }
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });
  });

  describe('bad input on every endpoint: a 4xx with its code, nothing written', () => {
    let expertId: string;
    let drawId: string;
    beforeAll(async () => {
      const kind = specialty();
      expertId = (await createExpert({ specialties: [kind] })).id;
      await Promise.all([0, 1, 2, 3, 4].map(() => createExpert({ specialties: [kind] })));
      drawId = (await draw({ needs: [{ specialty: kind, count: 5 }] })).id;
    });

    const longText = 'x'.repeat(201);
    const cases: [string, number, string, () => request.Test][] = [
      [
        'create: unknown field',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ idCard: '3601' })),
      ],
      [
        'create: name missing',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', { ...expertBody(), name: undefined }),
      ],
      ['create: name null', 400, 'VALIDATION_FAILED', () => post('/api/experts', expertBody({ name: null }))],
      [
        'create: name a number',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ name: 7 })),
      ],
      [
        'create: name too long',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ name: 'x'.repeat(101) })),
      ],
      [
        'create: employer too long',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ employerName: longText })),
      ],
      [
        'create: org code check character',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ employerOrgCode: '91350100M000100Y44' })),
      ],
      [
        'create: org code lower case',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ employerOrgCode: '91110000802100433b' })),
      ],
      [
        'create: org code 17 characters',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ employerOrgCode: '91350100M000100Y4' })),
      ],
      [
        'create: no specialties',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ specialties: [] })),
      ],
      [
        'create: specialties a string',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ specialties: 'building' })),
      ],
      [
        'create: a bad specialty',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ specialties: ['建筑'] })),
      ],
      [
        'create: 11 specialties',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ specialties: [...'abcdefghijk'].map((c) => `s${c}`) })),
      ],
      [
        'create: available a string',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ available: 'yes' })),
      ],
      [
        'create: not a date',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ unavailableUntil: '2026-02-30' })),
      ],
      [
        'create: bad phone',
        400,
        'VALIDATION_FAILED',
        () => post('/api/experts', expertBody({ phone: 'call me' })),
      ],
      ['create: an array body', 400, 'VALIDATION_FAILED', () => post('/api/experts', [expertBody()])],
      ['create: anonymous', 401, 'UNAUTHENTICATED', () => post('/api/experts', expertBody(), null)],
      ['create: a bidder', 403, 'FORBIDDEN', () => post('/api/experts', expertBody(), bidder)],
      ['create: a supervisor', 403, 'FORBIDDEN', () => post('/api/experts', expertBody(), supervisor)],
      ['list: limit 0', 400, 'VALIDATION_FAILED', () => get('/api/experts?limit=0')],
      ['list: limit a word', 400, 'VALIDATION_FAILED', () => get('/api/experts?limit=ten')],
      ['list: bad specialty', 400, 'VALIDATION_FAILED', () => get('/api/experts?specialty=B')],
      ['list: available=yes', 400, 'VALIDATION_FAILED', () => get('/api/experts?available=yes')],
      ['list: unknown parameter', 400, 'VALIDATION_FAILED', () => get('/api/experts?name=x')],
      ['list: anonymous', 401, 'UNAUTHENTICATED', () => get('/api/experts', null)],
      ['list: a bidder', 403, 'FORBIDDEN', () => get('/api/experts', bidder)],
      ['get: braced id', 400, 'INVALID_ID', () => get(`/api/experts/{${expertId}}`)],
      ['get: not a uuid', 400, 'INVALID_ID', () => get('/api/experts/42')],
      ['get: unknown', 404, 'EXPERT_NOT_FOUND', () => get(`/api/experts/${randomUUID()}`)],
      ['get: a bidder', 403, 'FORBIDDEN', () => get(`/api/experts/${expertId}`, bidder)],
      ['get: anonymous', 401, 'UNAUTHENTICATED', () => get(`/api/experts/${expertId}`, null)],
      ['update: nothing to change', 400, 'VALIDATION_FAILED', () => patch(`/api/experts/${expertId}`, {})],
      [
        'update: the name (not editable)',
        400,
        'VALIDATION_FAILED',
        () => patch(`/api/experts/${expertId}`, { name: '王五' }),
      ],
      [
        'update: available null',
        400,
        'VALIDATION_FAILED',
        () => patch(`/api/experts/${expertId}`, { available: null }),
      ],
      [
        'update: specialties null',
        400,
        'VALIDATION_FAILED',
        () => patch(`/api/experts/${expertId}`, { specialties: null }),
      ],
      [
        'update: bad org code',
        400,
        'VALIDATION_FAILED',
        () => patch(`/api/experts/${expertId}`, { employerOrgCode: 'ABC' }),
      ],
      [
        'update: bad date',
        400,
        'VALIDATION_FAILED',
        () => patch(`/api/experts/${expertId}`, { unavailableUntil: '31/12/2026' }),
      ],
      [
        'update: employer too long',
        400,
        'VALIDATION_FAILED',
        () => patch(`/api/experts/${expertId}`, { employerName: longText }),
      ],
      ['update: bad id', 400, 'INVALID_ID', () => patch('/api/experts/not-an-id', { available: false })],
      [
        'update: unknown',
        404,
        'EXPERT_NOT_FOUND',
        () => patch(`/api/experts/${randomUUID()}`, { available: false }),
      ],
      [
        'update: a supervisor',
        403,
        'FORBIDDEN',
        () => patch(`/api/experts/${expertId}`, { available: false }, supervisor),
      ],
      [
        'update: a bidder',
        403,
        'FORBIDDEN',
        () => patch(`/api/experts/${expertId}`, { available: false }, bidder),
      ],
      ['draw: braced id', 400, 'INVALID_ID', () => get(`/api/committee-draws/{${drawId}}`, supervisor)],
      [
        'draw: unknown',
        404,
        'COMMITTEE_DRAW_NOT_FOUND',
        () => get(`/api/committee-draws/${randomUUID()}`, supervisor),
      ],
      ['draw: staff', 403, 'FORBIDDEN', () => get(`/api/committee-draws/${drawId}`, staff)],
      ['draw: a bidder', 403, 'FORBIDDEN', () => get(`/api/committee-draws/${drawId}`, bidder)],
      ['draw: anonymous', 401, 'UNAUTHENTICATED', () => get(`/api/committee-draws/${drawId}`, null)],
      ['replay: bad id', 400, 'INVALID_ID', () => post('/api/committee-draws/x/replay', {}, supervisor)],
      [
        'replay: unknown',
        404,
        'COMMITTEE_DRAW_NOT_FOUND',
        () => post(`/api/committee-draws/${randomUUID()}/replay`, {}, supervisor),
      ],
      ['replay: staff', 403, 'FORBIDDEN', () => post(`/api/committee-draws/${drawId}/replay`, {}, staff)],
      ['replay: a bidder', 403, 'FORBIDDEN', () => post(`/api/committee-draws/${drawId}/replay`, {}, bidder)],
      [
        'replay: anonymous',
        401,
        'UNAUTHENTICATED',
        () => post(`/api/committee-draws/${drawId}/replay`, {}, null),
      ],
    ];

    it.each(cases)('%s → %d %s', async (_name, status, code, call) => {
      const before = await tableContents(env.config.DATABASE_URL);
      expectError(await call(), status, code);
      expect(await tableContents(env.config.DATABASE_URL)).toEqual(before);
    });
  });

  it('describes every expert-pool endpoint in the OpenAPI document', async () => {
    const { body: openApi } = await request(api.url).get('/docs-json').expect(200);
    const paths = openApi.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/experts']).sort()).toEqual(['get', 'post']);
    expect(Object.keys(paths['/api/experts/{id}']).sort()).toEqual(['get', 'patch']);
    expect(Object.keys(paths['/api/committee-draws/{id}'])).toEqual(['get']);
    expect(Object.keys(paths['/api/committee-draws/{id}/replay'])).toEqual(['post']);
    expect(Object.keys(openApi.components.schemas)).toEqual(
      expect.arrayContaining(['CreateExpertDto', 'UpdateExpertDto']),
    );
    // Only a host line draws a committee over HTTP, for its own project (its step, under its lock).
    expect(
      Object.keys(paths)
        .filter((path) => /committee.*draw/.test(path) && !path.startsWith('/api/committee-draws/{id}'))
        .sort(),
    ).toEqual(['/api/procurements/{id}/committee/draw', '/api/tenders/{id}/committee/draw']);
  });
});
