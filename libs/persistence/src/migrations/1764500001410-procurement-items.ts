import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 品目 (libs/domain/src/procurement-items.ts): what a procurement buys, by 政府采购品目分类目录 — the
 * code (canonical: A, B or C and two digits per level, at most five levels) and its name, both or
 * neither. PROJECT_SPLITTING reads a purchaser's projects of one item in one year: the index
 * serves that read.
 */
export class ProcurementItems1764500001410 implements MigrationInterface {
  name = 'ProcurementItems1764500001410';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE procurement_projects
      ADD COLUMN item_code varchar(11) CHECK (item_code ~ '^[ABC]([0-9]{2}){1,5}$'),
      ADD COLUMN item_name varchar(100) CHECK (item_name = btrim(item_name) AND char_length(item_name) >= 1),
      ADD CONSTRAINT procurement_projects_item_check CHECK ((item_code IS NULL) = (item_name IS NULL))`);
    await db.query(`CREATE INDEX procurement_projects_item_idx ON procurement_projects (purchaser_org_code, item_code)
      WHERE item_code IS NOT NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX procurement_projects_item_idx`);
    await db.query(`ALTER TABLE procurement_projects DROP CONSTRAINT procurement_projects_item_check`);
    await db.query(`ALTER TABLE procurement_projects DROP COLUMN item_name, DROP COLUMN item_code`);
  }
}
