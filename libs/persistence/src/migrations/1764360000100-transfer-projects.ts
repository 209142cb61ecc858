import type { MigrationInterface, QueryRunner } from 'typeorm';
import { SUSPENDABLE_TRANSFER_STATUSES, TRANSFER_ASSET_KINDS } from '@ggzy/domain';

/** The statuses as this migration shipped them (later ones add theirs: 1764380000000 `superseded`). */
export const TRANSFER_STATUSES_1764360000100 = [
  'accepted',
  'disclosed',
  'extended',
  'relisted',
  'agreement_pending',
  'auction',
  'sold',
  'unsold',
  'confirmed',
  'contract_signed',
  'defaulted',
  'suspended',
  'terminated',
] as const;

const list = (values: readonly string[]) => values.map((value) => `'${value}'`).join(',');
const SHA256 = `'^[0-9a-f]{64}$'`;

/**
 * Property-rights transfer projects (产权交易). A project hosts its registrations (host_type
 * `transfer_project`) from publication and, when two or more buyers qualify, one auction under
 * its own id, created at the end of disclosure. The status CHECKs are the domain's lifecycle
 * table's statuses; `resume_to` is the stage a suspension left (the clock cannot re-derive it).
 * `end_decided_for` is the disclosure end the end-of-disclosure step has already run for, so
 * the job and its sweeper act once per period.
 */
export class TransferProjects1764360000100 implements MigrationInterface {
  name = 'TransferProjects1764360000100';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE SEQUENCE transfer_project_code_seq`);
    await db.query(`
      CREATE TABLE transfer_projects (
        id                       uuid PRIMARY KEY,
        code                     varchar(40)  NOT NULL UNIQUE,
        status                   varchar(24)  NOT NULL CHECK (status IN (${list(TRANSFER_STATUSES_1764360000100)})),
        resume_to                varchar(24)  CHECK (resume_to IN (${list(SUSPENDABLE_TRANSFER_STATUSES)})),
        title                    varchar(200) NOT NULL,
        transferor               varchar(200) NOT NULL,
        asset_kind               varchar(24)  NOT NULL CHECK (asset_kind IN (${list(TRANSFER_ASSET_KINDS)})),
        asset_description        text NOT NULL CHECK (char_length(asset_description) <= 5000),
        documents                jsonb NOT NULL DEFAULT '[]'
                                 CHECK (jsonb_typeof(documents) = 'array' AND jsonb_array_length(documents) <= 50),
        valuation                bigint NOT NULL CHECK (valuation > 0),
        listing_price            bigint NOT NULL CHECK (listing_price > 0),
        approval_approver        varchar(200),
        approval_document_sha256 char(64) CHECK (approval_document_sha256 ~ ${SHA256}),
        buyer_conditions         text NOT NULL DEFAULT '' CHECK (char_length(buyer_conditions) <= 5000),
        deposit                  bigint NOT NULL CHECK (deposit > 0),
        increment                bigint NOT NULL CHECK (increment > 0),
        auction_start_time       varchar(5) NOT NULL CHECK (auction_start_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        free_bidding_minutes     integer NOT NULL CHECK (free_bidding_minutes BETWEEN 1 AND 1440),
        extension_seconds        integer NOT NULL CHECK (extension_seconds BETWEEN 1 AND 3600),
        extension_periods        integer NOT NULL CHECK (extension_periods BETWEEN 0 AND 12),
        extensions_used          integer NOT NULL DEFAULT 0 CHECK (extensions_used >= 0),
        relist_count             integer NOT NULL DEFAULT 0 CHECK (relist_count >= 0),
        disclosure_ends_on       date NOT NULL,
        published_on             date,
        end_decided_for          date,
        qualified_buyers         integer NOT NULL DEFAULT 0 CHECK (qualified_buyers >= 0),
        final_price              bigint CHECK (final_price > 0),
        winner_id                uuid REFERENCES users(id),
        deal_source              varchar(16) CHECK (deal_source IN ('auction','agreement','on_site')),
        sold_on                  date,
        result_published_until   date,
        confirmed_on             date,
        contract_deadline_on     date,
        contract_signed_on       date,
        contract_sha256          char(64) CHECK (contract_sha256 ~ ${SHA256}),
        suspended_at             timestamptz,
        suspended_on             date,
        suspension_reason        text,
        termination_reason       text,
        closing_reason           text,
        created_by               uuid NOT NULL REFERENCES users(id),
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now(),
        CHECK (deposit <= listing_price),
        CHECK ((approval_approver IS NULL) = (approval_document_sha256 IS NULL)),
        CONSTRAINT transfer_projects_suspension_check
          CHECK ((status = 'suspended') = (resume_to IS NOT NULL AND suspended_at IS NOT NULL))
      )`);
    // The public list (by status, newest first) and the worker's scans for a due end of
    // disclosure and a passed contract deadline.
    await db.query(
      `CREATE INDEX transfer_projects_status_idx ON transfer_projects (status, created_at DESC)`,
    );
    await db.query(
      `CREATE INDEX transfer_projects_disclosure_due_idx ON transfer_projects (status, disclosure_ends_on)`,
    );
    await db.query(
      `CREATE INDEX transfer_projects_contract_due_idx ON transfer_projects (status, contract_deadline_on)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    // Their registrations and auctions go with them (the tables themselves stay).
    await db.query(`DELETE FROM registrations WHERE host_type = 'transfer_project'`);
    await db.query(
      `DELETE FROM bids WHERE auction_id IN (SELECT id FROM auctions WHERE host_type = 'transfer_project')`,
    );
    await db.query(`DELETE FROM auctions WHERE host_type = 'transfer_project'`);
    await db.query(`DROP TABLE transfer_projects`);
    await db.query(`DROP SEQUENCE transfer_project_code_seq`);
  }
}
