import request from 'supertest';
import { DEFAULT_EARLY_WARNING_THRESHOLDS } from '../libs/domain/src/early-warning.js';
import { type RunningHttpApp, startTestPlatform, type TestPlatform } from './support/platform.js';
import { createOperator, type TestUser, waitFor } from './support/factories.js';
import { closeClients, queryRows } from './support/checks.js';
import { centreDays } from './support/transfers.js';
import { tenderWithBids } from './support/sealed-processes.js';

/**
 * The early-warning thresholds are district settings (EARLY_WARNING_*, libs/common/src/config.ts):
 * a platform started with ABNORMALLY_LOW_BID at 95% shows it on /api/alerts/rules and raises the
 * alert on a tender whose lowest price (1000万 against the others' 1075万, 93%) the default 80%
 * lets pass (test/early-warning.e2e-spec.ts opens the same prices and stays quiet).
 */
describe('early-warning thresholds are settings', () => {
  let platform: TestPlatform;
  let api: RunningHttpApp;
  let staff: TestUser;
  let supervisor: TestUser;
  let ownerDb: string;

  beforeAll(async () => {
    platform = await startTestPlatform({
      EARLY_WARNING_LOW_BID_PERCENT_OF_MEAN: 95,
      EARLY_WARNING_OPEN_TENDER_THRESHOLD_FEN: 200_000_000,
    });
    api = platform.api;
    ownerDb = platform.env.config.DATABASE_OWNER_URL!;
    [staff, supervisor] = await Promise.all([
      createOperator(platform.env.config, api.url, 'staff'),
      createOperator(platform.env.config, api.url, 'supervisor'),
    ]);
  });

  afterAll(async () => {
    closeClients();
    await platform?.close();
  });

  it('shows the thresholds in force on /api/alerts/rules, the others at their defaults', async () => {
    const rules = (
      await request(api.url).get('/api/alerts/rules').auth(supervisor.token, { type: 'bearer' }).expect(200)
    ).body as { ruleId: string; thresholds: Record<string, number> }[];
    const of = (ruleId: string) => rules.find((rule) => rule.ruleId === ruleId)!.thresholds;
    expect(of('ABNORMALLY_LOW_BID')).toEqual({ lowBidPercentOfMean: 95 });
    expect(of('PROJECT_SPLITTING')).toEqual({ openTenderThreshold: 200_000_000 });
    expect(of('OUTLIER_WINNING_SCORE')).toEqual({
      scoreOutlierSigmas: DEFAULT_EARLY_WARNING_THRESHOLDS.scoreOutlierSigmas,
      scoreOutlierMinPoints: DEFAULT_EARLY_WARNING_THRESHOLDS.scoreOutlierMinPoints,
    });
  });

  it('raises ABNORMALLY_LOW_BID under the district’s 95% on prices the default lets pass', async () => {
    const { today } = await centreDays(ownerDb, platform.env.config.CENTRE_TZ);
    const tender = await tenderWithBids({ apiUrl: api.url, ownerDb, staff, today }, [
      { price: 1_000_000_000, sha: 'c'.repeat(64) },
      { price: 1_050_000_000, sha: 'e'.repeat(64) },
      { price: 1_100_000_000, sha: 'f'.repeat(64) },
    ]);
    await waitFor(
      async () =>
        (await queryRows(ownerDb, 'SELECT 1 FROM alert_scans WHERE process_id = $1', [tender.id])).length > 0,
      30_000,
      'the early-warning run over the tender',
    );
    const alerts = (
      await request(api.url)
        .get(`/api/alerts?processId=${tender.id}`)
        .auth(supervisor.token, { type: 'bearer' })
        .expect(200)
    ).body.items as { id: string; ruleId: string }[];
    expect(alerts.map((alert) => alert.ruleId)).toEqual(['ABNORMALLY_LOW_BID']);
    const read = await request(api.url)
      .get(`/api/alerts/${alerts[0].id}`)
      .auth(supervisor.token, { type: 'bearer' })
      .expect(200);
    expect(read.body.evidence).toEqual({
      bidderId: tender.suppliers[0].id,
      amount: 1_000_000_000,
      othersMean: 1_075_000_000,
      thresholdPercent: 95,
    });
  });
});
