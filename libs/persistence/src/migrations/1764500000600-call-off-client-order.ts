import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A call-off order may carry the client's own id for it (`client_order_id`), unique within its
 * agreement: a double submit finds the first order instead of recording a second deal.
 */
export class CallOffClientOrder1764500000600 implements MigrationInterface {
  name = 'CallOffClientOrder1764500000600';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE procurement_call_offs ADD COLUMN client_order_id uuid`);
    await db.query(
      `CREATE UNIQUE INDEX procurement_call_offs_client_order_key ON procurement_call_offs (project_id, client_order_id)
       WHERE client_order_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX procurement_call_offs_client_order_key`);
    await db.query(`ALTER TABLE procurement_call_offs DROP COLUMN client_order_id`);
  }
}
