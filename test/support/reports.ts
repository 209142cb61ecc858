import request from 'supertest';
import { waitFor, type TestUser } from './factories.js';

export interface ReportBody {
  id: string;
  kind: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  progress: number;
  reason?: string;
  result?: {
    from: string;
    to: string;
    period: string;
    summary: string;
    total: { count: number; amount: number; amountWan: string };
    categories: {
      category: string;
      label: string;
      count: number;
      amount: number;
      amountWan: string;
      subtypes: { subtype: string | null; label: string; count: number; amount: number }[];
    }[];
    series: {
      key: string;
      label: string;
      count: number;
      amount: number;
      categories: { category: string; count: number; amount: number }[];
    }[];
    liveAuctions: {
      count: number;
      amount: number;
      startAmount: number;
      premium: number;
      premiumPercent: string;
    };
  };
}

/** Queues a report through the API (202) and returns its id and first status. */
export async function requestReport(apiUrl: string, user: TestUser, body: Record<string, unknown>) {
  const response = await request(apiUrl)
    .post('/api/reports/transactions')
    .auth(user.token, { type: 'bearer' })
    .send(body)
    .expect(202);
  return response.body as { id: string; status: string };
}

export async function getReport(apiUrl: string, user: TestUser, id: string): Promise<ReportBody> {
  const response = await request(apiUrl)
    .get(`/api/reports/${id}`)
    .auth(user.token, { type: 'bearer' })
    .expect(200);
  return response.body as ReportBody;
}

/** Polls until the report is done (or failed), generously: the machine is shared. */
export async function waitForReport(apiUrl: string, user: TestUser, id: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const report = await getReport(apiUrl, user, id);
      return report.status === 'done' || report.status === 'failed' ? report : undefined;
    },
    timeoutMs,
    `report ${id}`,
  );
}

/** Requests a report and waits for it. */
export async function buildReport(apiUrl: string, user: TestUser, body: Record<string, unknown>) {
  const { id } = await requestReport(apiUrl, user, body);
  const report = await waitForReport(apiUrl, user, id);
  if (report.status !== 'done') throw new Error(`report ${id} ${report.status}: ${report.reason}`);
  return report;
}

/** The calendar date of an instant in China time (UTC+8, no daylight saving). */
export function chinaDate(instant: Date): string {
  return new Date(instant.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
