import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The methods and statuses as this migration ships them (procurement-lifecycle.ts). */
export const PROCUREMENT_METHODS_1764400000500 = [
  'open_tender',
  'invited_tender',
  'competitive_negotiation',
  'competitive_consultation',
  'request_for_quotation',
  'single_source',
  'framework_agreement',
] as const;
export const PROCUREMENT_STATUSES_1764400000500 = [
  'planned',
  'prior_publicity',
  'announced',
  'responding',
  'opened',
  'evaluating',
  'report_delivered',
  'award_decided',
  'awarded',
  'contracted',
  'closed',
  'failed',
  'suspended',
  'terminated',
] as const;
/** Every status some method may be suspended from (the union of the per-method tables). */
const SUSPENDABLE = [
  'prior_publicity',
  'announced',
  'responding',
  'opened',
  'evaluating',
  'report_delivered',
  'award_decided',
  'awarded',
  'contracted',
] as const;

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');
const SHA256 = `'^[0-9a-f]{64}$'`;
const USCC = `'^[0-9A-HJ-NPQRTUWXY]{18}$'`;
const HOSTS_BEFORE = ['lease_listing', 'transfer_project', 'tender_project'];
const HOSTS = [...HOSTS_BEFORE, 'procurement_project'];

/**
 * Government procurement (政府采购). A project hosts its suppliers' registrations and deposits
 * (host_type `procurement_project`) and their sealed responses. The schedule's dates depend on
 * the method (single source: the prior publicity; invited tender: also the call for
 * qualification); `response_deadline_at` is the deadline's instant, when the opening job runs.
 * An invited tender's random pick is recorded with its seed and candidates, for the replay.
 */
export class ProcurementProjects1764400000500 implements MigrationInterface {
  name = 'ProcurementProjects1764400000500';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE procurement_project_code_seq`);
    await db.query(`
      CREATE TABLE procurement_projects (
        id                          uuid PRIMARY KEY,
        code                        varchar(40)  NOT NULL UNIQUE,
        round                       integer NOT NULL DEFAULT 1 CHECK (round >= 1),
        method                      varchar(32)  NOT NULL CHECK (method IN (${list(PROCUREMENT_METHODS_1764400000500)})),
        status                      varchar(24)  NOT NULL CHECK (status IN (${list(PROCUREMENT_STATUSES_1764400000500)})),
        resume_to                   varchar(24)  CHECK (resume_to IN (${list(SUSPENDABLE)})),
        title                       varchar(200) NOT NULL,
        purchaser_name              varchar(200) NOT NULL,
        purchaser_org_code          char(18) NOT NULL CHECK (purchaser_org_code ~ ${USCC}),
        description                 text NOT NULL CHECK (char_length(description) <= 5000),
        supplier_conditions         text NOT NULL DEFAULT '' CHECK (char_length(supplier_conditions) <= 5000),
        budget                      bigint NOT NULL CHECK (budget > 0),
        deposit                     bigint NOT NULL CHECK (deposit >= 0),
        documents                   jsonb NOT NULL DEFAULT '[]'
                                    CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 50),
        qualification_call_starts_on date,
        qualification_call_ends_on  date,
        publicity_starts_on         date,
        publicity_ends_on           date,
        single_source_supplier      varchar(200),
        single_source_reasons       text CHECK (char_length(single_source_reasons) <= 5000),
        documents_issued_on         date,
        documents_available_until   date,
        deadline_on                 date,
        deadline_time               varchar(5) NOT NULL CHECK (deadline_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        response_deadline_at        timestamptz,
        invitation_draw             jsonb,
        announced_on                date,
        publicised_on               date,
        opened_at                   timestamptz,
        failed_reason               text,
        suspended_at                timestamptz,
        suspended_on                date,
        suspension_reason           text,
        termination_reason          text,
        created_by                  uuid NOT NULL REFERENCES users(id),
        created_at                  timestamptz NOT NULL DEFAULT now(),
        updated_at                  timestamptz NOT NULL DEFAULT now(),
        -- 实施条例 第33条: a deposit of at most 2% of the budget.
        CONSTRAINT procurement_projects_deposit_limit_check CHECK (deposit * 50 <= budget),
        -- Single source has its publicity and no sealed responses; every other method the opposite.
        CONSTRAINT procurement_projects_schedule_check CHECK (CASE WHEN method = 'single_source'
          THEN publicity_starts_on IS NOT NULL AND publicity_ends_on >= publicity_starts_on
               AND single_source_supplier IS NOT NULL AND single_source_reasons IS NOT NULL
               AND response_deadline_at IS NULL
          ELSE documents_issued_on IS NOT NULL AND deadline_on > documents_issued_on
               AND response_deadline_at IS NOT NULL END),
        CONSTRAINT procurement_projects_invited_check CHECK ((method = 'invited_tender') =
          (qualification_call_starts_on IS NOT NULL AND qualification_call_ends_on IS NOT NULL)),
        CONSTRAINT procurement_projects_draw_check CHECK (invitation_draw IS NULL OR method = 'invited_tender'),
        CONSTRAINT procurement_projects_failed_check CHECK ((status = 'failed') <= (failed_reason IS NOT NULL)),
        CONSTRAINT procurement_projects_terminated_check
          CHECK ((status = 'terminated') = (termination_reason IS NOT NULL)),
        CONSTRAINT procurement_projects_suspension_check
          CHECK ((status = 'suspended') = (resume_to IS NOT NULL AND suspended_at IS NOT NULL))
      )`);
    await db.query(`ALTER TABLE procurement_projects ADD CONSTRAINT procurement_projects_documents_sha_check CHECK (
      NOT jsonb_path_exists(documents, '$[*] ? (!(@.sha256 like_regex ${SHA256.replace(/'/g, '"')}))'))`);
    // The public list (by status, newest first) and the worker's scans for due steps.
    await db.query(
      `CREATE INDEX procurement_projects_status_idx ON procurement_projects (status, created_at DESC)`,
    );
    await db.query(
      `CREATE INDEX procurement_projects_deadline_idx ON procurement_projects (status, response_deadline_at)`,
    );
    await db.query(`
      CREATE TABLE procurement_notices (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        project_id         uuid NOT NULL REFERENCES procurement_projects(id),
        kind               varchar(16) NOT NULL CHECK (kind IN ('amendment','clarification')),
        summary            text NOT NULL CHECK (char_length(summary) BETWEEN 1 AND 5000),
        documents          jsonb NOT NULL DEFAULT '[]'
                           CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 50),
        affects_responses  boolean NOT NULL,
        published_on       date NOT NULL,
        published_at       timestamptz NOT NULL,
        deadline_before    date NOT NULL,
        deadline_after     date NOT NULL CHECK (deadline_after >= deadline_before),
        published_by       uuid NOT NULL REFERENCES users(id)
      )`);
    await db.query(
      `CREATE INDEX procurement_notices_project_idx ON procurement_notices (project_id, published_at)`,
    );
    for (const table of ['registrations', 'deposits']) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_host_type_check`);
      await db.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_host_type_check CHECK (host_type IN (${list(HOSTS)}))`,
      );
    }
    // A supplier names its organisation: the purchaser may not supply itself, the expert draw excludes its staff.
    await db.query(`ALTER TABLE registrations ADD CONSTRAINT registrations_procurement_organization_check
      CHECK (host_type <> 'procurement_project' OR organization_code IS NOT NULL)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM deposits WHERE host_type = 'procurement_project'`);
    await db.query(`DELETE FROM registrations WHERE host_type = 'procurement_project'`);
    await db.query(`ALTER TABLE registrations DROP CONSTRAINT registrations_procurement_organization_check`);
    for (const table of ['registrations', 'deposits']) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_host_type_check`);
      await db.query(
        `ALTER TABLE ${table} ADD CONSTRAINT ${table}_host_type_check CHECK (host_type IN (${list(HOSTS_BEFORE)}))`,
      );
    }
    await db.query(`DROP TABLE procurement_notices`);
    await db.query(`DROP TABLE procurement_projects`);
    await db.query(`DROP SEQUENCE procurement_project_code_seq`);
  }
}
