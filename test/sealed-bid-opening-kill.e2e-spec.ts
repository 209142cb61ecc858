import pg from 'pg';
import request from 'supertest';
import { addCalendarDays } from '../libs/domain/src/business-calendar.js';
import {
  createQueueBackend,
  PROCUREMENT_QUEUE,
  procurementJobId,
  tenderJobId,
  TENDERS_QUEUE,
} from '../libs/queues/src/index.js';
import { createTestEnvironment, type TestEnvironment } from './support/environment.js';
import { type ChildApp, type RunningHttpApp, spawnApp, startApi } from './support/platform.js';
import { createOperator, registerBidder, type TestUser, waitFor } from './support/factories.js';
import { expectError, queryRows } from './support/checks.js';
import { verifyAuditChain } from './support/bidding-clients.js';
import { businessDeadline, centreDays } from './support/transfers.js';

const ORG_CODE = '91360100MA35F6GX2N';
const SUPPLIER_CODES = ['914403001922038216', '9144030071526726XG', '91330100799655058B'];
const SHA = 'e'.repeat(64);
const PRICES = [2_734_517_293, 2_696_240_611, 2_811_338_457];

/** What differs between the two lines that open sealed bids at a deadline. */
interface Line {
  label: string;
  path: 'tenders' | 'procurements';
  bidPath: 'bid' | 'response';
  table: 'tender_projects' | 'procurement_projects';
  deadlineColumn: 'bid_deadline_at' | 'response_deadline_at';
  hostType: 'tender_project' | 'procurement_project';
  /** Status while sealed bids are taken. */
  taking: 'bidding' | 'responding';
  openAction: string;
  queue: typeof TENDERS_QUEUE | typeof PROCUREMENT_QUEUE;
  openingJobId(projectId: string, at: Date): string;
  body(today: string, apiUrl: string): Promise<Record<string, unknown>>;
}

const LINES: Line[] = [
  {
    label: 'tender (开标)',
    path: 'tenders',
    bidPath: 'bid',
    table: 'tender_projects',
    deadlineColumn: 'bid_deadline_at',
    hostType: 'tender_project',
    taking: 'bidding',
    openAction: 'tender.open_bids',
    queue: TENDERS_QUEUE,
    openingJobId: (projectId, at) => tenderJobId('tender-opening', projectId, at),
    body: async (today) => ({
      title: '东湖区某桥梁维修工程施工',
      ownerName: '南昌市东湖区住房和城乡建设局',
      ownerOrgCode: ORG_CODE,
      kind: 'road',
      description: '桥梁维修',
      estimatedPrice: 2_000_000_000,
      stateFunded: true,
      evaluationMethod: 'lowest_evaluated_price',
      deposit: 20_000_000,
      documents: [{ name: '招标文件.pdf', sha256: SHA }],
      saleStartsOn: today,
      saleEndsOn: addCalendarDays(today, 5),
      documentsIssuedOn: today,
      bidDeadlineOn: addCalendarDays(today, 20),
    }),
  },
  {
    label: 'procurement (开启响应文件)',
    path: 'procurements',
    bidPath: 'response',
    table: 'procurement_projects',
    deadlineColumn: 'response_deadline_at',
    hostType: 'procurement_project',
    taking: 'responding',
    openAction: 'procurement.open_responses',
    queue: PROCUREMENT_QUEUE,
    openingJobId: (projectId, at) => procurementJobId('procurement-opening', projectId, at),
    body: async (today, apiUrl) => ({
      method: 'open_tender',
      title: '东湖区政务外网服务采购',
      purchaserName: '南昌市东湖区数据局',
      purchaserOrgCode: ORG_CODE,
      description: '政务外网租用一年',
      budget: 800_000_000,
      deposit: 10_000_000,
      documents: [{ name: '采购文件.pdf', sha256: SHA }],
      documentsIssuedOn: today,
      documentsAvailableUntil: await businessDeadline(apiUrl, today, 5),
      deadlineOn: addCalendarDays(today, 20),
    }),
  },
];

/**
 * The opening of sealed bids when the worker dies by SIGKILL — no shutdown hook, no rollback
 * sent, its queue job left active: across the deadline, and in the middle of the opening's own
 * transaction. A new worker opens them exactly once: one record, one set of decrypted bids, one
 * audit entry of each kind, the project opened, the audit chain intact.
 */
describe('the sealed-bid opening with its worker killed (SIGKILL)', () => {
  let env: TestEnvironment;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let suppliers: TestUser[];
  let ownerDb: string;
  /** What each test started, undone in reverse order after it (pass or fail). */
  let cleanups: (() => Promise<unknown>)[] = [];

  const as = (user: TestUser) => (req: request.Test) => req.auth(user.token, { type: 'bearer' });

  beforeAll(async () => {
    env = await createTestEnvironment();
    // The api only: the workers of these tests are processes, started and killed by the tests.
    api = await startApi(env.config);
    ownerDb = env.config.DATABASE_OWNER_URL!;
    [staff, supervisor] = await Promise.all([
      createOperator(env.config, api.url, 'staff'),
      createOperator(env.config, api.url, 'supervisor'),
    ]);
    suppliers = await Promise.all(PRICES.map(() => registerBidder(api.url)));
  });

  afterEach(async () => {
    const failed: unknown[] = [];
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => failed.push(error));
    cleanups = [];
    if (failed.length > 0) throw new AggregateError(failed, `${failed.length} cleanup(s) failed`);
  });

  afterAll(async () => {
    await api?.close();
    await env?.drop();
  });

  const worker = async (): Promise<ChildApp> => {
    const child = await spawnApp('worker', env.config);
    cleanups.push(() => child.kill());
    return child;
  };

  /** A project taking sealed bids, with a bid from each of the three qualified suppliers. */
  async function projectWithBids(line: Line): Promise<string> {
    // The centre's day read now, not once per file: a run may cross midnight.
    const { today } = await centreDays(ownerDb, env.config.CENTRE_TZ);
    const created = await as(staff)(request(api.url).post(`/api/${line.path}`))
      .send(await line.body(today, api.url))
      .expect(201);
    const id = created.body.id as string;
    const announced = await as(staff)(request(api.url).post(`/api/${line.path}/${id}/announce`)).expect(200);
    expect(announced.body.status).toBe(line.taking);
    for (const [index, supplier] of suppliers.entries()) {
      const applied = await as(supplier)(request(api.url).post(`/api/${line.path}/${id}/registrations`))
        .send({ organizationCode: SUPPLIER_CODES[index] })
        .expect(201);
      await as(staff)(
        request(api.url).post(`/api/${line.path}/${id}/registrations/${applied.body.id}/qualify`),
      )
        .send({ depositReceived: true })
        .expect(200);
      await as(supplier)(request(api.url).put(`/api/${line.path}/${id}/${line.bidPath}`))
        .send({ price: PRICES[index], documents: [{ name: '投标文件.pdf', sha256: SHA }] })
        .expect(200);
    }
    return id;
  }

  /**
   * The deadline moved to a moment ago by the database's clock, with no job of the killed worker
   * at it (its steps were scheduled at the announced deadline): only a sweep, or the step a new
   * worker's rebuild adds, can open it. Returns the new deadline.
   */
  const passDeadline = async (line: Line, id: string): Promise<Date> => {
    const [row] = await queryRows<{ at: Date }>(
      ownerDb,
      `UPDATE ${line.table} SET ${line.deadlineColumn} = date_trunc('second', clock_timestamp()) - interval '1 second'
        WHERE id = $1 RETURNING ${line.deadlineColumn} AS at`,
      [id],
    );
    return row.at;
  };

  const statusOf = async (line: Line, id: string) =>
    (await as(staff)(request(api.url).get(`/api/${line.path}/${id}`)).expect(200)).body.status as string;

  /** Sealed as before: still taking bids, no record in the database, none published. */
  async function expectStillSealed(line: Line, id: string) {
    expect(await statusOf(line, id)).toBe(line.taking);
    expect(await openingRows(id)).toEqual([]);
    expectError(
      await request(api.url).get(`/api/${line.path}/${id}/opening-record`),
      409,
      'SEALED_UNTIL_OPENING',
    );
  }

  const openingRows = (id: string) =>
    queryRows<{ openedByJob: string; prices: string[]; valid: boolean[] }>(
      ownerDb,
      `SELECT opened_by_job AS "openedByJob",
              ARRAY(SELECT bid->>'price' FROM jsonb_array_elements(record) bid ORDER BY bid->>'price') AS prices,
              ARRAY(SELECT (bid->>'valid')::boolean FROM jsonb_array_elements(record) bid) AS valid
         FROM bid_openings WHERE host_id = $1::uuid`,
      [id],
    );

  /**
   * Waits until the opening step the new worker's rebuild added for `deadline` has run (it races
   * the sweeper; whichever comes second finds the project opened), so what follows sees both.
   */
  async function waitForOpeningStep(line: Line, id: string, deadline: Date) {
    const backend = createQueueBackend(env.config);
    const queue = backend.createQueue(line.queue);
    try {
      const jobId = line.openingJobId(id, deadline);
      return await waitFor(
        async () => {
          const job = await queue.getJob(jobId);
          return job?.finishedOn ? (job.returnvalue as { opened: boolean }) : undefined;
        },
        30_000,
        `the opening step ${jobId}`,
      );
    } finally {
      await queue.close();
      await backend.close();
    }
  }

  /** Exactly one opening: one record with every bid decrypted, one entry of each kind, opened. */
  async function expectOpenedOnce(line: Line, id: string) {
    expect(await statusOf(line, id)).toBe('opened');
    const rows = await openingRows(id);
    expect(rows).toEqual([
      { openedByJob: expect.any(String), prices: PRICES.map(String).sort(), valid: [true, true, true] },
    ]);
    const record = (await request(api.url).get(`/api/${line.path}/${id}/opening-record`).expect(200)).body;
    expect(record).toMatchObject({ submittedCount: 3, validCount: 3 });
    const [counts] = await queryRows<{ openings: number; opened: number }>(
      ownerDb,
      `SELECT (SELECT count(*)::int FROM audit_log WHERE entity_id = $1 AND action = 'sealed_bids.opened') AS openings,
              (SELECT count(*)::int FROM audit_log WHERE entity_id = $1 AND action = $2) AS opened`,
      [id, line.openAction],
    );
    expect(counts).toEqual({ openings: 1, opened: 1 });
    expect(await verifyAuditChain(api.url, supervisor.token)).toMatchObject({ valid: true });
  }

  it.each(LINES)(
    '$label: a worker killed before the deadline, restarted after it, opens once',
    async (line) => {
      const id = await projectWithBids(line);
      const first = await worker();
      await first.kill();
      // The deadline passes while no worker runs.
      const deadline = await passDeadline(line, id);
      await expectStillSealed(line, id);

      await worker();
      await waitForOpeningStep(line, id, deadline);
      await expectOpenedOnce(line, id);
    },
  );

  it.each(LINES)(
    '$label: a worker killed inside the opening transaction leaves nothing, and the next one opens once',
    async (line) => {
      const id = await projectWithBids(line);
      const first = await worker();

      // The test holds the audit chain's head, which the opening's first audit entry must lock:
      // the opening stops there, its record already written, its transaction still open.
      const holder = new pg.Client({ connectionString: ownerDb });
      await holder.connect();
      cleanups.push(async () => {
        await holder.query('ROLLBACK').catch(() => {});
        await holder.end();
      });
      await holder.query('BEGIN');
      await holder.query('SELECT seq FROM audit_head WHERE id = 1 FOR UPDATE');
      const holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;

      await passDeadline(line, id);
      const opening = await waitFor(
        async () =>
          (
            await queryRows<{ pid: number }>(
              ownerDb,
              `SELECT a.pid FROM pg_stat_activity a
                WHERE a.datname = current_database() AND $1 = ANY (pg_blocking_pids(a.pid))
                  AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
                              AND l.relation = '${line.table}'::regclass AND l.mode = 'RowShareLock')
                  AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.granted
                              AND l.relation = 'bid_openings'::regclass AND l.mode = 'RowExclusiveLock')`,
              [holderPid],
            )
          )[0],
        30_000,
        'the opening blocked on the audit head after writing its record',
      );

      await first.kill();
      await expectStillSealed(line, id);
      // Released, the dead worker's session finds its client gone and rolls back: nothing of it stays.
      await holder.query('ROLLBACK');
      await waitFor(
        async () =>
          (await queryRows(ownerDb, 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', [opening.pid]))
            .length === 0,
        30_000,
        "the killed worker's session to end",
      );
      await expectStillSealed(line, id);
      const [entries] = await queryRows<{ count: number }>(
        ownerDb,
        `SELECT count(*)::int AS count FROM audit_log WHERE entity_id = $1 AND action IN ('sealed_bids.opened', $2)`,
        [id, line.openAction],
      );
      expect(entries.count).toBe(0);

      await worker();
      const [{ at: deadline }] = await queryRows<{ at: Date }>(
        ownerDb,
        `SELECT ${line.deadlineColumn} AS at FROM ${line.table} WHERE id = $1`,
        [id],
      );
      await waitForOpeningStep(line, id, deadline);
      await expectOpenedOnce(line, id);
    },
  );
});
