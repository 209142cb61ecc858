import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  type ConcludedProcessFacts,
  type DepositState,
  PROCUREMENT_ITEM_CLASS_LENGTH,
  procurementItemClass,
  type Sighting,
  type SiblingProject,
} from '@ggzy/domain';
import { READ_DATA_SOURCE } from '../data-source.js';
import type { AlertProcessType } from './alerts.repository.js';

/** What the detectors need beyond the facts read here: the day (overdue rules) and complaints. */
export type ProcessFacts = Omit<ConcludedProcessFacts, 'today' | 'complaints'>;

/** How far back a recurring bidder set is looked for. */
const HISTORY_MONTHS = 24;
/** The processes one sweep takes at most: the next sweep takes the rest. */
const SWEEP_BATCH = 200;
/**
 * A purchaser's projects of one class of item in one year read for PROJECT_SPLITTING, at most: far more
 * than any real year holds, and a bound on what one run reads and what an alert's evidence lists.
 */
const SIBLINGS_LIMIT = 500;

const CONCLUDED_TENDER = `'opened','evaluating','candidates_published','awarded','contracted','failed'`;
const CONCLUDED_PROCUREMENT = `'opened','evaluating','report_delivered','award_decided','awarded','contracted','closed','failed'`;
const CONCLUDED_TRANSFER = `'sold','unsold','confirmed','contract_signed','defaulted'`;

/**
 * Early warning's read of the lines, below them (supervision imports no line lib): every fact the
 * detectors look at for one process, straight from the tables PostgreSQL keeps — registrations,
 * the auction and its bids, the sealed bids' opening record, scores, deposits — and the
 * addresses and devices recorded with them (supervisor-only columns).
 */
@Injectable()
export class AlertFactsRepository {
  private readonly reads: DataSource;

  constructor(dataSource: DataSource, @Optional() @Inject(READ_DATA_SOURCE) readDataSource?: DataSource) {
    this.reads = readDataSource ?? dataSource;
  }

  /** The auction's host (a lease listing or a transfer project; its id is the auction's). */
  async auctionHost(auctionId: string): Promise<AlertProcessType | null> {
    const [row] = (await this.reads.query(`SELECT host_type AS "hostType" FROM auctions WHERE id = $1`, [
      auctionId,
    ])) as { hostType: AlertProcessType }[];
    return row?.hostType ?? null;
  }

  /**
   * Every sighting of the process's bidders: each application, each bidder's bids grouped by
   * address and device (the first of each), each sealed bid's latest submission.
   */
  async sightings(processType: AlertProcessType, processId: string): Promise<Sighting[]> {
    const rows = (await this.reads.query(
      `SELECT bidder_id AS "bidderId", 'registration' AS kind, created_at AS at,
              client_address AS "clientAddress", device_fingerprint AS "deviceFingerprint"
       FROM registrations
       WHERE host_type = $1 AND host_id = $2 AND (client_address IS NOT NULL OR device_fingerprint IS NOT NULL)
       UNION ALL
       SELECT b.bidder_id, 'bid', min(b.at), b.client_address, b.device_fingerprint
       FROM bids b JOIN auctions a ON a.id = b.auction_id
       WHERE a.id = $2 AND a.host_type = $1 AND (b.client_address IS NOT NULL OR b.device_fingerprint IS NOT NULL)
       GROUP BY b.bidder_id, b.client_address, b.device_fingerprint
       UNION ALL
       SELECT bidder_id, 'bid', submitted_at, client_address, device_fingerprint
       FROM sealed_bids
       WHERE host_type = $1 AND host_id = $2 AND (client_address IS NOT NULL OR device_fingerprint IS NOT NULL)
       ORDER BY at, "bidderId"`,
      [processType, processId],
    )) as Sighting[];
    return rows.map((row) => ({ ...row, at: new Date(row.at) }));
  }

  /** Everything the detectors read about one process, or null when there is no such process. */
  async facts(
    processType: AlertProcessType,
    processId: string,
    timeZone: string,
  ): Promise<ProcessFacts | null> {
    const head = await this.head(processType, processId, timeZone);
    if (!head) return null;
    const [qualified, sightings, deposits, sealed, scores] = await Promise.all([
      this.reads.query(
        `SELECT bidder_id AS "bidderId" FROM registrations
         WHERE host_type = $1 AND host_id = $2 AND status = 'qualified' ORDER BY created_at, id`,
        [processType, processId],
      ) as Promise<{ bidderId: string }[]>,
      this.sightings(processType, processId),
      this.reads.query(
        `SELECT id AS "depositId", bidder_id AS "bidderId", state, refund_due_on::text AS "refundDueOn"
         FROM deposits WHERE host_type = $1 AND host_id = $2 ORDER BY created_at, id`,
        [processType, processId],
      ) as Promise<
        { depositId: string; bidderId: string; state: DepositState; refundDueOn: string | null }[]
      >,
      head.bidding === 'sealed' ? this.openedBids(processType, processId) : Promise.resolve([]),
      head.bidding === 'sealed' ? this.scores(processType, processId) : Promise.resolve([]),
    ]);
    const qualifiedBidderIds = qualified.map((row) => row.bidderId);
    const bids =
      head.bidding === 'ascending'
        ? await this.acceptedBids(processId)
        : sealed
            .filter((bid) => bid.price !== null)
            .map((bid) => ({
              bidderId: bid.bidderId,
              amount: bid.price!,
              at: new Date(bid.submittedAt),
            }));
    return {
      ...head,
      qualifiedBidderIds,
      bids,
      sightings,
      documents: sealed.flatMap((bid) =>
        bid.documents.map((document) => ({
          bidderId: bid.bidderId,
          name: document.name,
          sha256: document.sha256,
        })),
      ),
      scores,
      siblings: await this.siblings(processType, processId, head),
      history: await this.history(processId, qualifiedBidderIds),
      deposits,
    };
  }

  private async head(processType: AlertProcessType, processId: string, timeZone: string) {
    const day = (column: string) => `to_char((${column} AT TIME ZONE $2)::date, 'YYYY-MM-DD')`;
    const queries: Record<AlertProcessType, string> = {
      lease_listing: `
        SELECT 'ascending' AS bidding, '' AS "ownerId", NULL AS subject, NULL::bigint AS "estimatedValue",
               ${day('coalesce(l.published_at, l.created_at)')} AS "announcedOn", true AS "openTender",
               a.start_price AS "startPrice", a.winner_id AS "winnerId", a.final_price AS "finalPrice"
        FROM lease_listings l JOIN auctions a ON a.id = l.id WHERE l.id = $1 AND $2::text IS NOT NULL`,
      transfer_project: `
        SELECT CASE WHEN a.id IS NULL THEN 'none' ELSE 'ascending' END AS bidding, p.transferor AS "ownerId",
               NULL AS subject, p.listing_price AS "estimatedValue",
               coalesce(p.published_on::text, ${day('p.created_at')}) AS "announcedOn", true AS "openTender",
               a.start_price AS "startPrice", a.winner_id AS "winnerId", a.final_price AS "finalPrice"
        FROM transfer_projects p LEFT JOIN auctions a ON a.id = p.id AND a.host_type = 'transfer_project'
        WHERE p.id = $1`,
      tender_project: `
        SELECT 'sealed' AS bidding, t.owner_org_code AS "ownerId", t.kind AS subject,
               t.estimated_price AS "estimatedValue",
               coalesce(t.announced_on::text, ${day('t.created_at')}) AS "announcedOn", true AS "openTender",
               NULL::bigint AS "startPrice", w.bidder_id AS "winnerId", NULL::bigint AS "finalPrice"
        FROM tender_projects t
        LEFT JOIN tender_evaluations e ON e.project_id = t.id
        LEFT JOIN sealed_bids w ON w.id = e.awarded_bid_id
        WHERE t.id = $1`,
      procurement_project: `
        SELECT 'sealed' AS bidding, p.purchaser_org_code AS "ownerId", p.item_code AS subject,
               p.budget AS "estimatedValue",
               coalesce(p.announced_on::text, p.publicised_on::text, ${day('p.created_at')}) AS "announcedOn",
               p.method = 'open_tender' AS "openTender",
               NULL::bigint AS "startPrice", w.bidder_id AS "winnerId", NULL::bigint AS "finalPrice"
        FROM procurement_projects p
        LEFT JOIN procurement_evaluations e ON e.project_id = p.id
        LEFT JOIN sealed_bids w ON w.id = e.awarded_bid_id
        WHERE p.id = $1`,
    };
    const [row] = (await this.reads.query(queries[processType], [processId, timeZone])) as {
      bidding: 'ascending' | 'sealed' | 'none';
      ownerId: string;
      subject: string | null;
      estimatedValue: string | null;
      announcedOn: string;
      openTender: boolean;
      startPrice: string | null;
      winnerId: string | null;
      finalPrice: string | null;
    }[];
    if (!row) return null;
    const fen = (value: string | null) => (value === null ? null : Number(value));
    return {
      processId,
      line: LINES[processType],
      bidding: row.bidding,
      ownerId: row.ownerId,
      subject: row.subject,
      estimatedValue: fen(row.estimatedValue),
      announcedOn: row.announcedOn,
      openTender: row.openTender,
      startPrice: fen(row.startPrice),
      winnerId: row.winnerId,
      finalPrice: fen(row.finalPrice),
    };
  }

  /**
   * PROJECT_SPLITTING's siblings: the purchaser's other procurement projects of the same class
   * of item (品目 code's first 5 characters, procurementItemClass: A0201, A020101 and A02010104
   * alike; the detector compares the same way) whose notice — the announcement, or a single source's publicity — falls in the
   * same year (its day is CENTRE_TZ's), with their budgets and whether they were openly tendered.
   * Left out: projects never announced (no notice: nothing was bought in public), a failed project
   * re-planned (its successor stands for the same purchase, so it is not counted twice) and a
   * terminated one (cancelled, nothing bought). Construction tenders take no part: on this
   * platform every one is tendered (the head marks them openly tendered), and works split to stay
   * under 必须招标的工程项目规定's thresholds never come here at all.
   */
  private async siblings(
    processType: AlertProcessType,
    processId: string,
    head: { ownerId: string; subject: string | null; announcedOn: string },
  ): Promise<SiblingProject[]> {
    if (processType !== 'procurement_project' || head.subject === null) return [];
    const year = Number(head.announcedOn.slice(0, 4));
    const rows = (await this.reads.query(
      `SELECT id AS "processId", item_code AS subject, budget AS "estimatedValue",
              coalesce(announced_on, publicised_on)::text AS "announcedOn", method = 'open_tender' AS "openTender"
       FROM procurement_projects
       WHERE purchaser_org_code = $1 AND left(item_code, ${PROCUREMENT_ITEM_CLASS_LENGTH}) = $2 AND id <> $3
         AND status NOT IN ('replanned', 'terminated')
         AND coalesce(announced_on, publicised_on) >= make_date($4, 1, 1)
         AND coalesce(announced_on, publicised_on) < make_date($4 + 1, 1, 1)
       ORDER BY coalesce(announced_on, publicised_on), code
       LIMIT ${SIBLINGS_LIMIT}`,
      [head.ownerId, procurementItemClass(head.subject), processId, year],
    )) as (Omit<SiblingProject, 'estimatedValue'> & { estimatedValue: string })[];
    return rows.map((row) => ({ ...row, estimatedValue: Number(row.estimatedValue) }));
  }

  private async acceptedBids(auctionId: string) {
    const rows = (await this.reads.query(
      `SELECT bidder_id AS "bidderId", amount, at FROM bids
       WHERE auction_id = $1 AND outcome = 'accepted' ORDER BY seq`,
      [auctionId],
    )) as { bidderId: string; amount: string; at: Date }[];
    return rows.map((row) => ({ bidderId: row.bidderId, amount: Number(row.amount), at: row.at }));
  }

  /** The opening record's bids (published at the opening: prices and documents' hashes). */
  private async openedBids(processType: AlertProcessType, processId: string) {
    const rows = (await this.reads.query(
      `SELECT b->>'bidderId' AS "bidderId", (b->>'price')::bigint AS price, b->>'submittedAt' AS "submittedAt",
              coalesce(b->'documents', '[]'::jsonb) AS documents
       FROM bid_openings o CROSS JOIN jsonb_array_elements(o.record) AS b
       WHERE o.host_type = $1 AND o.host_id = $2 AND (b->>'valid')::boolean`,
      [processType, processId],
    )) as {
      bidderId: string;
      price: string | null;
      submittedAt: string;
      documents: { name: string; sha256: string }[];
    }[];
    return rows.map((row) => ({ ...row, price: row.price === null ? null : Number(row.price) }));
  }

  /** Each bidder's score: its criteria's points summed per member, averaged over the members. */
  private async scores(processType: AlertProcessType, processId: string) {
    const table = processType === 'tender_project' ? 'tender_scores' : 'procurement_scores';
    const rows = (await this.reads.query(
      `SELECT b.bidder_id AS "bidderId", (sum(s.score) / count(DISTINCT s.member_id))::float8 AS score
       FROM ${table} s JOIN sealed_bids b ON b.id = s.bid_id
       WHERE s.project_id = $1 GROUP BY b.bidder_id ORDER BY b.bidder_id`,
      [processId],
    )) as { bidderId: string; score: number }[];
    return rows.map((row) => ({ bidderId: row.bidderId, score: Math.round(row.score * 100) / 100 }));
  }

  /**
   * Earlier processes (any line, the last HISTORY_MONTHS) whose qualified set could equal this
   * one's: every such set holds this set's first bidder, so only those processes are read.
   */
  private async history(processId: string, bidderIds: string[]) {
    if (bidderIds.length < 2) return [];
    return (await this.reads.query(
      `SELECT r.host_id AS "processId", array_agg(r.bidder_id::text ORDER BY r.bidder_id) AS "bidderIds"
       FROM registrations r
       WHERE r.status = 'qualified' AND r.host_id <> $1
         AND r.host_id IN (SELECT host_id FROM registrations
                           WHERE bidder_id = $2 AND status = 'qualified'
                             AND created_at > now() - make_interval(months => ${HISTORY_MONTHS}))
       GROUP BY r.host_id`,
      [processId, bidderIds[0]],
    )) as { processId: string; bidderIds: string[] }[];
  }

  /**
   * Concluded processes the detectors have not run over yet (a lost job's), and tenders and
   * procurements whose winner is not the one their last run saw (the first run is at the opening,
   * before the award: OUTLIER_WINNING_SCORE needs the winner), a batch at a time.
   */
  async unscannedConcluded(): Promise<{ processType: AlertProcessType; processId: string }[]> {
    return (await this.reads.query(
      `SELECT c."processType", c."processId" FROM (
         SELECT 'lease_listing' AS "processType", a.id AS "processId", NULL::uuid AS "winnerId" FROM auctions a
         WHERE a.host_type = 'lease_listing' AND a.status IN ('sold','unsold')
         UNION ALL
         SELECT 'transfer_project', p.id, NULL FROM transfer_projects p WHERE p.status IN (${CONCLUDED_TRANSFER})
         UNION ALL
         SELECT 'tender_project', t.id, w.bidder_id FROM tender_projects t
         LEFT JOIN tender_evaluations e ON e.project_id = t.id
         LEFT JOIN sealed_bids w ON w.id = e.awarded_bid_id
         WHERE t.status IN (${CONCLUDED_TENDER})
         UNION ALL
         SELECT 'procurement_project', p.id, w.bidder_id FROM procurement_projects p
         LEFT JOIN procurement_evaluations e ON e.project_id = p.id
         LEFT JOIN sealed_bids w ON w.id = e.awarded_bid_id
         WHERE p.status IN (${CONCLUDED_PROCUREMENT})
       ) c
       WHERE NOT EXISTS (SELECT 1 FROM alert_scans s
                         WHERE s.process_type = c."processType" AND s.process_id = c."processId"
                           AND s.winner_id IS NOT DISTINCT FROM c."winnerId")
       LIMIT ${SWEEP_BATCH}`,
    )) as { processType: AlertProcessType; processId: string }[];
  }

  /** Processes holding a deposit still unrefunded after its last refund day (`today`, CENTRE_TZ). */
  async withOverdueRefunds(today: string): Promise<{ processType: AlertProcessType; processId: string }[]> {
    return (await this.reads.query(
      `SELECT DISTINCT host_type AS "processType", host_id AS "processId" FROM deposits
       WHERE state = 'received' AND refund_due_on < $1::date LIMIT ${SWEEP_BATCH}`,
      [today],
    )) as { processType: AlertProcessType; processId: string }[];
  }
}

const LINES: Record<AlertProcessType, ConcludedProcessFacts['line']> = {
  lease_listing: 'lease',
  transfer_project: 'transfer',
  tender_project: 'construction',
  procurement_project: 'procurement',
};
