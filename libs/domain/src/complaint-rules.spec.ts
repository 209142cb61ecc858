import { BusinessCalendar } from './business-calendar.js';
import { calendarDateInZone } from './calendar.js';
import {
  type ComplaintDecision,
  type ComplaintFiling,
  type ComplaintLine,
  type ComplaintRecord,
  type DocumentRequest,
  checkComplaintDecision,
  checkComplaintFiling,
  checkComplaintStage,
  checkOpenFilings,
  checkDocumentRequest,
  checkSuspensionForComplaint,
  COMPLAINT_LINES,
  COMPLAINT_STAGES_BY_LINE,
  complaintDeadlines,
  complaintStagesOf,
  overdueComplaintSteps,
  periodLastDay,
  projectCommandAfterDecision,
} from './complaint-rules.js';
import type { ComplaintStatus } from './complaint-lifecycle.js';
import { DomainError, type ErrorCode } from './errors.js';
import { OFFICIAL_CALENDARS } from './official-calendars.js';

const calendar = new BusinessCalendar(OFFICIAL_CALENDARS);
const TZ = 'Asia/Shanghai';
const SHA = 'a'.repeat(64);

function codeOf(action: () => unknown): ErrorCode | 'ok' {
  try {
    action();
    return 'ok';
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
}

const filing = (overrides: Partial<ComplaintFiling>): ComplaintFiling => ({
  kind: 'complaint',
  stage: 'result',
  grounds: '评标委员会未按招标文件评分',
  attachments: [{ name: '证据.pdf', sha256: SHA }],
  filedOn: '2026-11-02',
  knewOn: '2026-11-02',
  challenge: null,
  ...overrides,
});

describe('periodLastDay', () => {
  it.each<[string, string, number, 'calendar' | 'business', string]>([
    ['10 days from a Monday', '2026-11-02', 10, 'calendar', '2026-11-12'],
    ['10 days ending on a Saturday run to Monday', '2026-11-04', 10, 'calendar', '2026-11-16'],
    ['10 days ending on 国庆 run to the first day back', '2026-09-21', 10, 'calendar', '2026-10-08'],
    ['7 business days in an ordinary fortnight', '2026-11-02', 7, 'business', '2026-11-11'],
    ['7 business days across 国庆 (a worked Saturday counts)', '2026-09-28', 7, 'business', '2026-10-13'],
  ])('%s', (_name, start, days, unit, expected) => {
    expect(periodLastDay(calendar, start, { days, unit })).toBe(expected);
  });
});

describe('the window to file, at its edges', () => {
  it.each<[string, ComplaintLine, Partial<ComplaintFiling>, ErrorCode | 'ok']>([
    // Construction 投诉: 10 days from knowing.
    ['construction: the last day', 'construction', { knewOn: '2026-11-02', filedOn: '2026-11-12' }, 'ok'],
    [
      'construction: the day after',
      'construction',
      { knewOn: '2026-11-02', filedOn: '2026-11-13' },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    [
      'construction: the day of knowing',
      'construction',
      { knewOn: '2026-11-02', filedOn: '2026-11-02' },
      'ok',
    ],
    [
      'construction: day 10 on 国庆 → the first day back is still in time',
      'construction',
      { knewOn: '2026-09-21', filedOn: '2026-10-08' },
      'ok',
    ],
    [
      'construction: the day after the first day back',
      'construction',
      { knewOn: '2026-09-21', filedOn: '2026-10-09' },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    [
      'construction: a challenge (质疑) is procurement only',
      'construction',
      { kind: 'challenge' },
      'COMPLAINT_KIND_NOT_ALLOWED',
    ],
    // Procurement 质疑: 7 business days.
    [
      'procurement challenge: the 7th business day',
      'procurement',
      { kind: 'challenge', knewOn: '2026-11-02', filedOn: '2026-11-11' },
      'ok',
    ],
    [
      'procurement challenge: the 8th business day',
      'procurement',
      { kind: 'challenge', knewOn: '2026-11-02', filedOn: '2026-11-12' },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    [
      'procurement challenge: the 7th business day after 国庆',
      'procurement',
      { kind: 'challenge', knewOn: '2026-09-28', filedOn: '2026-10-13' },
      'ok',
    ],
    [
      'procurement challenge: a business day later',
      'procurement',
      { kind: 'challenge', knewOn: '2026-09-28', filedOn: '2026-10-14' },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    // Procurement 投诉: a challenge first, then 15 business days from the reply (or its due day).
    ['procurement complaint: no challenge', 'procurement', {}, 'CHALLENGE_REQUIRED'],
    [
      'procurement complaint: the reply day',
      'procurement',
      {
        knewOn: '2026-11-02',
        filedOn: '2026-11-06',
        challenge: { filedOn: '2026-11-02', repliedOn: '2026-11-06' },
      },
      'ok',
    ],
    [
      'procurement complaint: the 15th business day after the reply',
      'procurement',
      {
        knewOn: '2026-11-02',
        filedOn: '2026-11-27',
        challenge: { filedOn: '2026-11-02', repliedOn: '2026-11-06' },
      },
      'ok',
    ],
    [
      'procurement complaint: the 16th business day after the reply',
      'procurement',
      {
        knewOn: '2026-11-02',
        filedOn: '2026-11-30',
        challenge: { filedOn: '2026-11-02', repliedOn: '2026-11-06' },
      },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    [
      'procurement complaint: no reply yet, on the reply’s last day',
      'procurement',
      { knewOn: '2026-11-02', filedOn: '2026-11-11', challenge: { filedOn: '2026-11-02', repliedOn: null } },
      'COMPLAINT_WINDOW_NOT_OPEN',
    ],
    [
      'procurement complaint: no reply, the day after it was due',
      'procurement',
      { knewOn: '2026-11-02', filedOn: '2026-11-12', challenge: { filedOn: '2026-11-02', repliedOn: null } },
      'ok',
    ],
    [
      'procurement complaint: no reply, 15 business days after it was due',
      'procurement',
      { knewOn: '2026-11-02', filedOn: '2026-12-02', challenge: { filedOn: '2026-11-02', repliedOn: null } },
      'ok',
    ],
    [
      'procurement complaint: no reply, a business day later',
      'procurement',
      { knewOn: '2026-11-02', filedOn: '2026-12-03', challenge: { filedOn: '2026-11-02', repliedOn: null } },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    // Leases and transfers: the district's 5 business days.
    ['lease: the 5th business day', 'lease', { knewOn: '2026-11-02', filedOn: '2026-11-09' }, 'ok'],
    [
      'lease: the 6th business day',
      'lease',
      { knewOn: '2026-11-02', filedOn: '2026-11-10' },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    [
      'transfer: the 5th business day across 国庆',
      'transfer',
      { knewOn: '2026-09-29', filedOn: '2026-10-12' },
      'ok',
    ],
    [
      'transfer: one business day later',
      'transfer',
      { knewOn: '2026-09-29', filedOn: '2026-10-13' },
      'COMPLAINT_WINDOW_CLOSED',
    ],
    ['lease: a challenge is procurement only', 'lease', { kind: 'challenge' }, 'COMPLAINT_KIND_NOT_ALLOWED'],
    // Form.
    ['empty grounds', 'construction', { grounds: ' ' }, 'VALIDATION_FAILED'],
    [
      'an attachment without a SHA-256',
      'construction',
      { attachments: [{ name: 'x.pdf', sha256: 'ABC' }] },
      'VALIDATION_FAILED',
    ],
    ['knew after filing', 'construction', { knewOn: '2026-11-03' }, 'VALIDATION_FAILED'],
    ['not a date', 'construction', { filedOn: '2026-02-30' }, 'VALIDATION_FAILED'],
  ])('%s', (_name, line, overrides, expected) => {
    expect(codeOf(() => checkComplaintFiling(calendar, line, filing(overrides)))).toBe(expected);
  });

  it('tells the window and its basis when it refuses', () => {
    try {
      checkComplaintFiling(calendar, 'construction', filing({ knewOn: '2026-09-21', filedOn: '2026-10-09' }));
      throw new Error('not refused');
    } catch (error) {
      expect((error as DomainError).details).toMatchObject({
        opensOn: '2026-09-21',
        closesOn: '2026-10-08',
        period: { days: 10, unit: 'calendar' },
      });
      expect((error as DomainError).message).toContain('投诉处理办法');
    }
  });

  it('lists every form problem at once', () => {
    try {
      checkComplaintFiling(
        calendar,
        'lease',
        filing({ grounds: '', stage: '', attachments: [{ name: '', sha256: '' }] }),
      );
      throw new Error('not refused');
    } catch (error) {
      expect((error as DomainError).details).toEqual([
        { field: 'stage', rule: '1–100 characters' },
        { field: 'grounds', rule: '1–10000 characters' },
        { field: 'attachments[0].name', rule: '1–255 characters' },
        { field: 'attachments[0].sha256', rule: '64 lowercase hex digits' },
      ]);
    }
  });
});

const record = (overrides: Partial<ComplaintRecord>): ComplaintRecord => ({
  line: 'construction',
  kind: 'complaint',
  status: 'filed',
  filedOn: '2026-11-02',
  acceptanceDecidedOn: null,
  acceptedOn: null,
  decidedOn: null,
  withdrawnOn: null,
  documentRequests: [],
  suspension: null,
  ...overrides,
});
/** 23:59:59 and 24:00 China time of a day. */
const lastSecondOf = (date: string) => new Date(`${date}T23:59:59+08:00`);
const dayAfter = (date: string) => new Date(new Date(`${date}T00:00:00+08:00`).getTime() + 86_400_000);
const request = (
  id: string,
  requestedOn: string,
  dueOn: string,
  answeredOn: string | null,
): DocumentRequest => ({
  id,
  addressee: '招标人',
  requestedOn,
  dueOn,
  answeredOn,
});

type Summary = [step: string, dueOn: string, overdue: boolean, late: boolean];
const summary = (complaint: ComplaintRecord, at: Date): Summary[] =>
  complaintDeadlines(calendar, complaint, at, TZ).map((d) => [
    d.documentRequestId ? `${d.step}:${d.documentRequestId}` : d.step,
    d.dueOn,
    d.overdue,
    d.late,
  ]);

describe('every deadline of a complaint, and which are overdue', () => {
  const accepted = {
    status: 'investigating' as ComplaintStatus,
    acceptanceDecidedOn: '2026-11-05',
    acceptedOn: '2026-11-05',
  };
  it.each<[string, Partial<ComplaintRecord>, Date, Summary[]]>([
    [
      'acceptance: the last second of its 3rd business day',
      {},
      lastSecondOf('2026-11-05'),
      [['accept', '2026-11-05', false, false]],
    ],
    ['acceptance: 24:00 of that day', {}, dayAfter('2026-11-05'), [['accept', '2026-11-05', true, false]]],
    [
      'acceptance across 国庆 ends on the worked Saturday',
      { filedOn: '2026-09-30' },
      dayAfter('2026-10-09'),
      [['accept', '2026-10-10', false, false]],
    ],
    [
      'accepted a day late: not overdue any more, but late',
      { status: 'accepted', acceptanceDecidedOn: '2026-11-06', acceptedOn: '2026-11-06' },
      dayAfter('2026-11-06'),
      [
        ['accept', '2026-11-05', false, true],
        ['decide', '2026-12-18', false, false],
      ],
    ],
    [
      'decision: 30 business days from acceptance, on its last day',
      accepted,
      lastSecondOf('2026-12-17'),
      [
        ['accept', '2026-11-05', false, false],
        ['decide', '2026-12-17', false, false],
      ],
    ],
    [
      'decision: overdue at 24:00',
      accepted,
      dayAfter('2026-12-17'),
      [
        ['accept', '2026-11-05', false, false],
        ['decide', '2026-12-17', true, false],
      ],
    ],
    [
      'decision: 3 business days waiting for documents are not counted',
      { ...accepted, documentRequests: [request('r1', '2026-11-10', '2026-11-17', '2026-11-13')] },
      dayAfter('2026-12-17'),
      [
        ['accept', '2026-11-05', false, false],
        ['decide', '2026-12-22', false, false],
        ['documents:r1', '2026-11-17', false, false],
      ],
    ],
    [
      'decision: overlapping requests count each day once (4 business days)',
      {
        ...accepted,
        documentRequests: [
          request('r1', '2026-11-10', '2026-11-17', '2026-11-13'),
          request('r2', '2026-11-12', '2026-11-19', '2026-11-16'),
        ],
      },
      dayAfter('2026-12-17'),
      [
        ['accept', '2026-11-05', false, false],
        ['decide', '2026-12-23', false, false],
        ['documents:r1', '2026-11-17', false, false],
        ['documents:r2', '2026-11-19', false, false],
      ],
    ],
    [
      'a request still unanswered after its day: overdue, and the decision moves with every day it waits',
      { ...accepted, documentRequests: [request('r1', '2026-11-10', '2026-11-17', null)] },
      new Date('2026-11-20T12:00:00+08:00'),
      [
        ['accept', '2026-11-05', false, false],
        ['decide', '2026-12-29', false, false],
        ['documents:r1', '2026-11-17', true, false],
      ],
    ],
    [
      'a rejected complaint is never decided',
      { status: 'rejected', acceptanceDecidedOn: '2026-11-04' },
      dayAfter('2027-01-30'),
      [['accept', '2026-11-05', false, false]],
    ],
    [
      'a withdrawn complaint owes nothing more',
      { status: 'withdrawn', withdrawnOn: '2026-11-03' },
      dayAfter('2026-11-30'),
      [],
    ],
    [
      'a decided complaint: every step met',
      { ...accepted, status: 'dismissed', decidedOn: '2026-12-01' },
      dayAfter('2027-01-30'),
      [
        ['accept', '2026-11-05', false, false],
        ['decide', '2026-12-17', false, false],
      ],
    ],
    [
      'procurement: accept within 5 business days',
      { line: 'procurement' },
      dayAfter('2026-11-06'),
      [['accept', '2026-11-09', false, false]],
    ],
    [
      'procurement challenge: the reply is due in 7 business days',
      { line: 'procurement', kind: 'challenge' },
      dayAfter('2026-11-11'),
      [['reply', '2026-11-11', true, false]],
    ],
    [
      'procurement: a suspension lasts 30 days at most',
      { line: 'procurement', ...accepted, suspension: { suspendedOn: '2026-11-05', resumedOn: null } },
      dayAfter('2026-12-05'),
      [
        ['accept', '2026-11-09', false, false],
        ['decide', '2026-12-17', false, false],
        ['resume', '2026-12-05', true, false],
      ],
    ],
    [
      'procurement: a suspension resumed in time',
      {
        line: 'procurement',
        ...accepted,
        suspension: { suspendedOn: '2026-11-05', resumedOn: '2026-11-20' },
      },
      lastSecondOf('2026-12-05'),
      [
        ['accept', '2026-11-09', false, false],
        ['decide', '2026-12-17', false, false],
        ['resume', '2026-12-05', false, false],
      ],
    ],
    [
      'a lease suspension has no cap (the district decides within 15 business days)',
      { line: 'lease', ...accepted, suspension: { suspendedOn: '2026-11-05', resumedOn: null } },
      dayAfter('2026-11-26'),
      [
        ['accept', '2026-11-05', false, false],
        ['decide', '2026-11-26', true, false],
      ],
    ],
  ])('%s', (_name, overrides, at, expected) => {
    expect(summary(record(overrides), at)).toEqual(expected);
  });

  it('gives the instant each deadline runs out: 24:00 China time of its last day', () => {
    const [accept] = complaintDeadlines(calendar, record({}), new Date('2026-11-02T03:00:00Z'), TZ);
    expect(accept.dueAt.toISOString()).toBe('2026-11-05T16:00:00.000Z');
  });

  it('overdueComplaintSteps keeps only the alerts', () => {
    const complaint = record({
      ...accepted,
      documentRequests: [request('r1', '2026-11-10', '2026-11-17', null)],
    });
    expect(overdueComplaintSteps(calendar, complaint, new Date('2026-11-20T12:00:00+08:00'), TZ)).toEqual([
      expect.objectContaining({ step: 'documents', documentRequestId: 'r1', overdue: true }),
    ]);
  });
});

describe('document requests', () => {
  it.each<[string, ComplaintStatus, Partial<DocumentRequest>, ErrorCode | 'ok']>([
    ['while investigating, due later', 'investigating', {}, 'ok'],
    ['before the investigation', 'accepted', {}, 'DOCUMENT_REQUEST_NOT_ALLOWED'],
    ['after the decision', 'upheld', {}, 'DOCUMENT_REQUEST_NOT_ALLOWED'],
    ['due the day it is made', 'investigating', { dueOn: '2026-11-10' }, 'VALIDATION_FAILED'],
    ['to nobody', 'investigating', { addressee: '' }, 'VALIDATION_FAILED'],
  ])('%s → %s', (_name, status, overrides, expected) => {
    const made = { ...request('r1', '2026-11-10', '2026-11-17', null), ...overrides };
    expect(codeOf(() => checkDocumentRequest(status, made))).toBe(expected);
  });
});

describe('decisions', () => {
  const decision = (overrides: Partial<ComplaintDecision>): ComplaintDecision => ({
    outcome: 'upheld',
    remedy: 'corrected',
    foundFalse: false,
    reason: '评分错误',
    ...overrides,
  });
  it.each<[string, Partial<ComplaintDecision>, ErrorCode | 'ok', string, string]>([
    ['upheld, corrected', {}, 'ok', 'correct', 'correct'],
    ['upheld, re-run', { remedy: 're_run' }, 'ok', 're_run', 're_run'],
    ['upheld, terminated', { remedy: 'terminated' }, 'ok', 'terminate', 'terminate'],
    ['dismissed', { outcome: 'dismissed', remedy: null }, 'ok', 'resume', 'none'],
    [
      'dismissed and found false',
      { outcome: 'dismissed', remedy: null, foundFalse: true },
      'ok',
      'resume',
      'none',
    ],
    ['upheld without a remedy', { remedy: null }, 'COMPLAINT_REMEDY_REQUIRED', '-', '-'],
    ['dismissed with a remedy', { outcome: 'dismissed' }, 'COMPLAINT_REMEDY_NOT_ALLOWED', '-', '-'],
    ['upheld and found false', { foundFalse: true }, 'FALSE_COMPLAINT_NOT_DISMISSED', '-', '-'],
    ['without a reason', { reason: ' ' }, 'VALIDATION_FAILED', '-', '-'],
  ])('%s → %s; project suspended → %s, running → %s', (_name, overrides, expected, suspended, running) => {
    const made = decision(overrides);
    expect(codeOf(() => checkComplaintDecision(made))).toBe(expected);
    if (expected === 'ok') {
      expect(projectCommandAfterDecision(made, true)).toBe(suspended);
      expect(projectCommandAfterDecision(made, false)).toBe(running);
    }
  });
});

describe('suspending a project for a complaint', () => {
  it.each<[ComplaintStatus, ErrorCode | 'ok']>([
    ['filed', 'ok'],
    ['accepted', 'ok'],
    ['investigating', 'ok'],
    ['rejected', 'COMPLAINT_NOT_PENDING'],
    ['upheld', 'COMPLAINT_NOT_PENDING'],
    ['dismissed', 'COMPLAINT_NOT_PENDING'],
    ['withdrawn', 'COMPLAINT_NOT_PENDING'],
  ])('a %s complaint → %s', (status, expected) => {
    expect(codeOf(() => checkSuspensionForComplaint(status))).toBe(expected);
  });
});

describe('the stage a filing names (a closed list per line, matched exactly)', () => {
  it.each<[ComplaintLine, string, string | undefined, ErrorCode | 'ok']>([
    ['construction', 'announcement', undefined, 'ok'],
    ['construction', 'candidates', undefined, 'ok'],
    ['construction', 'bidding', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    ['procurement', 'result', undefined, 'ok'],
    ['procurement', 'candidates', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    ['lease', 'bidding', undefined, 'ok'],
    ['lease', 'opening', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    ['transfer', 'contract', undefined, 'ok'],
    // A padded or re-cased name is not a stage: it must not dodge the publication day.
    ['construction', 'announcement ', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    ['construction', ' announcement', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    ['construction', 'Announcement', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    ['construction', '竞价', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    ['construction', '', undefined, 'COMPLAINT_STAGE_UNKNOWN'],
    // Another matter has no publication: the complainant says when they knew.
    ['procurement', 'other', undefined, 'COMPLAINT_KNEW_ON_REQUIRED'],
    ['procurement', 'other', '2026-03-02', 'ok'],
  ])('%s %j (knewOn %s) → %s', (line, stage, knewOn, expected) => {
    expect(codeOf(() => checkComplaintStage(line, stage, knewOn))).toBe(expected);
  });
});

describe("a complainant's pending filings per project", () => {
  it.each<[number, ErrorCode | 'ok']>([
    [0, 'ok'],
    [4, 'ok'],
    [5, 'COMPLAINT_FILINGS_LIMIT'],
    [9, 'COMPLAINT_FILINGS_LIMIT'],
  ])('%i pending → %s', (open, expected) => {
    expect(codeOf(() => checkOpenFilings(open))).toBe(expected);
  });
});

describe("each line's stages as the filing form offers them", () => {
  it.each(COMPLAINT_LINES)('%s: its closed list in order, only `other` asking for knewOn', (line) => {
    const offered = complaintStagesOf(line);
    expect(offered.map((one) => one.stage)).toEqual(COMPLAINT_STAGES_BY_LINE[line]);
    expect(offered.filter((one) => one.knewOnRequired).map((one) => one.stage)).toEqual(['other']);
    // What the form offers is what the filing accepts, and `other` wants its day.
    for (const { stage, knewOnRequired } of offered) {
      expect(codeOf(() => checkComplaintStage(line, stage, '2026-11-02'))).toBe('ok');
      expect(codeOf(() => checkComplaintStage(line, stage, undefined))).toBe(
        knewOnRequired ? 'COMPLAINT_KNEW_ON_REQUIRED' : 'ok',
      );
    }
  });
});

/**
 * The window in the centre's days (Asia/Shanghai, UTC+8), as the service counts it: the day of the
 * publication (knewOn) and of the filing are the instants' Shanghai dates. 00:00 in Shanghai is
 * 16:00 UTC the day before, so a count in UTC days would move either by one.
 */
describe('the window in Shanghai days, at 23:59:59 and 00:00 on its last day', () => {
  const day = (instant: string) => calendarDateInZone(new Date(instant), TZ);
  it.each<[string, ErrorCode | 'ok', string, string]>([
    // Published 2026-11-02 (a Monday) at 00:00: known that day; 10 days run to 2026-11-12.
    [
      'published at 00:00, filed at 23:59:59 on the last day',
      'ok',
      '2026-11-02T00:00:00+08:00',
      '2026-11-12T23:59:59+08:00',
    ],
    [
      'published at 00:00, filed at 00:00 the day after',
      'COMPLAINT_WINDOW_CLOSED',
      '2026-11-02T00:00:00+08:00',
      '2026-11-13T00:00:00+08:00',
    ],
    [
      'published at 23:59:59, filed at 23:59:59 on the last day',
      'ok',
      '2026-11-02T23:59:59+08:00',
      '2026-11-12T23:59:59+08:00',
    ],
    // Published at 23:59:59 the evening before: known 2026-11-01, the window ends 2026-11-11.
    [
      'published the evening before at 23:59:59, filed at 23:59:59 on its last day',
      'ok',
      '2026-11-01T23:59:59+08:00',
      '2026-11-11T23:59:59+08:00',
    ],
    [
      'published the evening before at 23:59:59, filed at 00:00 the next day',
      'COMPLAINT_WINDOW_CLOSED',
      '2026-11-01T23:59:59+08:00',
      '2026-11-12T00:00:00+08:00',
    ],
  ])('construction, %s → %s', (_name, expected, publishedAt, filedAt) => {
    const knewOn = day(publishedAt);
    const filedOn = day(filedAt);
    expect(codeOf(() => checkComplaintFiling(calendar, 'construction', filing({ knewOn, filedOn })))).toBe(
      expected,
    );
  });

  it('the Shanghai day, not the UTC one: 00:00 in Shanghai is the day before in UTC', () => {
    expect(day('2026-11-02T00:00:00+08:00')).toBe('2026-11-02');
    expect(new Date('2026-11-02T00:00:00+08:00').toISOString().slice(0, 10)).toBe('2026-11-01');
    expect(day('2026-11-12T23:59:59+08:00')).toBe('2026-11-12');
  });

  it.each<[string, string, ErrorCode | 'ok']>([
    // A lease: 5 business days from Monday 2026-11-02 run to Monday 2026-11-09.
    ['2026-11-09T23:59:59+08:00', '2026-11-09', 'ok'],
    ['2026-11-10T00:00:00+08:00', '2026-11-10', 'COMPLAINT_WINDOW_CLOSED'],
  ])('a lease filed at %s (Shanghai day %s) → %s', (filedAt, filedOn, expected) => {
    expect(day(filedAt)).toBe(filedOn);
    const knewOn = day('2026-11-02T00:00:00+08:00');
    expect(codeOf(() => checkComplaintFiling(calendar, 'lease', filing({ knewOn, filedOn })))).toBe(expected);
  });
});
