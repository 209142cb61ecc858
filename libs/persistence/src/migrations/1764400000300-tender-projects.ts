import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The statuses and their suspendable subset as this migration ships them (tender-lifecycle.ts). */
export const TENDER_STATUSES_1764400000300 = [
  'registered',
  'announced',
  'prequalification',
  'bidding',
  'opened',
  'evaluating',
  'candidates_published',
  'awarded',
  'contracted',
  'failed',
  'suspended',
  'terminated',
] as const;
const SUSPENDABLE = [
  'announced',
  'prequalification',
  'bidding',
  'opened',
  'evaluating',
  'candidates_published',
  'awarded',
] as const;
const KINDS = ['building', 'municipal', 'road', 'water', 'decoration', 'other'] as const;

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');
const SHA256 = `'^[0-9a-f]{64}$'`;
const USCC = `'^[0-9A-HJ-NPQRTUWXY]{18}$'`;
const REGISTRATION_HOSTS_BEFORE = ['lease_listing', 'transfer_project'];
const REGISTRATION_HOSTS = [...REGISTRATION_HOSTS_BEFORE, 'tender_project'];

/**
 * Construction tenders (建筑工程招标). A project hosts its suppliers' registrations and deposits
 * (host_type `tender_project`); its sealed bids live in the sealed-bid tables under the same
 * host. The schedule is dates in CENTRE_TZ as staff enter them; `bid_deadline_at` is the instant
 * of the deadline (its day at `bid_deadline_time`), when the opening job runs. Amendments and
 * clarifications are kept in order, each with the deadline before and after it.
 * A supplier's registration carries its organisation's code: the expert draw excludes its staff.
 */
export class TenderProjects1764400000300 implements MigrationInterface {
  name = 'TenderProjects1764400000300';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE tender_project_code_seq`);
    await db.query(`
      CREATE TABLE tender_projects (
        id                   uuid PRIMARY KEY,
        code                 varchar(40)  NOT NULL UNIQUE,
        round                integer NOT NULL DEFAULT 1 CHECK (round >= 1),
        status               varchar(24)  NOT NULL CHECK (status IN (${list(TENDER_STATUSES_1764400000300)})),
        resume_to            varchar(24)  CHECK (resume_to IN (${list(SUSPENDABLE)})),
        title                varchar(200) NOT NULL,
        owner_name           varchar(200) NOT NULL,
        owner_org_code       char(18) NOT NULL CHECK (owner_org_code ~ ${USCC}),
        kind                 varchar(24) NOT NULL CHECK (kind IN (${list(KINDS)})),
        description          text NOT NULL CHECK (char_length(description) <= 5000),
        estimated_price      bigint NOT NULL CHECK (estimated_price > 0),
        state_funded         boolean NOT NULL,
        evaluation_method    varchar(32) NOT NULL
                             CHECK (evaluation_method IN ('lowest_evaluated_price','comprehensive_scoring')),
        bidder_conditions    text NOT NULL DEFAULT '' CHECK (char_length(bidder_conditions) <= 5000),
        deposit              bigint NOT NULL CHECK (deposit >= 0),
        documents            jsonb NOT NULL DEFAULT '[]'
                             CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 50),
        sale_starts_on       date NOT NULL,
        sale_ends_on         date NOT NULL,
        documents_issued_on  date NOT NULL,
        bid_deadline_on      date NOT NULL,
        bid_deadline_time    varchar(5) NOT NULL CHECK (bid_deadline_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        bid_deadline_at      timestamptz NOT NULL,
        announced_on         date,
        opened_at            timestamptz,
        failed_reason        text,
        suspended_at         timestamptz,
        suspended_on         date,
        suspension_reason    text,
        termination_reason   text,
        created_by           uuid NOT NULL REFERENCES users(id),
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        -- 实施条例 第26条: a deposit of at most 2% of the estimate.
        CONSTRAINT tender_projects_deposit_limit_check CHECK (deposit * 50 <= estimated_price),
        CONSTRAINT tender_projects_schedule_order_check
          CHECK (sale_starts_on <= sale_ends_on AND documents_issued_on >= sale_starts_on
                 AND bid_deadline_on > sale_ends_on),
        CONSTRAINT tender_projects_opened_check CHECK (opened_at IS NOT NULL OR status IN
          ('registered','announced','prequalification','bidding','suspended','terminated')),
        CONSTRAINT tender_projects_failed_check CHECK ((status = 'failed') <= (failed_reason IS NOT NULL)),
        CONSTRAINT tender_projects_terminated_check
          CHECK ((status = 'terminated') = (termination_reason IS NOT NULL)),
        CONSTRAINT tender_projects_suspension_check
          CHECK ((status = 'suspended') = (resume_to IS NOT NULL AND suspended_at IS NOT NULL))
      )`);
    // The public list (by status, newest first) and the worker's scan for due openings.
    await db.query(`CREATE INDEX tender_projects_status_idx ON tender_projects (status, created_at DESC)`);
    await db.query(`CREATE INDEX tender_projects_deadline_idx ON tender_projects (status, bid_deadline_at)`);
    await db.query(`
      CREATE TABLE tender_notices (
        id                     uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id             uuid NOT NULL REFERENCES tender_projects(id),
        kind                   varchar(16) NOT NULL CHECK (kind IN ('amendment','clarification')),
        summary                text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 5000),
        documents              jsonb NOT NULL DEFAULT '[]'
                               CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 50),
        affects_bids           boolean NOT NULL,
        published_on           date NOT NULL,
        published_at           timestamptz NOT NULL,
        deadline_before        date NOT NULL,
        deadline_after         date NOT NULL CHECK (deadline_after >= deadline_before),
        published_by           uuid NOT NULL REFERENCES users(id)
      )`);
    await db.query(`CREATE INDEX tender_notices_project_idx ON tender_notices (project_id, published_at)`);
    for (const table of ['registrations', 'deposits']) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_host_type_check`);
      await db.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_host_type_check CHECK (host_type IN (${list(REGISTRATION_HOSTS)}))`,
      );
    }
    await db.query(`
      ALTER TABLE registrations
        ADD COLUMN organization_code char(18) CHECK (organization_code ~ ${USCC}),
        ADD CONSTRAINT registrations_tender_organization_check
          CHECK (host_type <> 'tender_project' OR organization_code IS NOT NULL)`);
    await db.query(`ALTER TABLE tender_projects ADD CONSTRAINT tender_projects_documents_sha_check CHECK (
      NOT jsonb_path_exists(documents, '$[*] ? (!(@.sha256 like_regex ${SHA256.replace(/'/g, '"')}))'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM deposits WHERE host_type = 'tender_project'`);
    await db.query(`DELETE FROM registrations WHERE host_type = 'tender_project'`);
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT registrations_tender_organization_check`);
    await db.query(`ALTER TABLE registrations DROP COLUMN organization_code`);
    for (const table of ['registrations', 'deposits']) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_host_type_check`);
      await db.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_host_type_check CHECK (host_type IN (${list(REGISTRATION_HOSTS_BEFORE)}))`,
      );
    }
    await db.query(`DROP TABLE tender_notices`);
    await db.query(`DROP TABLE tender_projects`);
    await db.query(`DROP SEQUENCE tender_project_code_seq`);
  }
}
