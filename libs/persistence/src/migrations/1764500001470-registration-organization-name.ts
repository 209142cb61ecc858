import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation's registered name (营业执照上的名称) staff confirm when they qualify a tender's or
 * a procurement's supplier (issue 10). The public named a supplier by the display name of the
 * account registered under the code it applied with — a code anyone may type at sign-up, and a
 * name its owner edits at will — so an impostor could publish another organisation's code under a
 * name of its choosing. The public names a supplier by this stored name now, else by the code
 * alone. Existing registrations have none: they are named by their code until staff confirm one.
 * Only a registration with an organisation's code carries one; trimmed, 1–100 characters, no
 * control characters (the domain refuses more: format and private-use characters).
 */
export class RegistrationOrganizationName1764500001470 implements MigrationInterface {
  name = 'RegistrationOrganizationName1764500001470';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE registrations ADD COLUMN organization_name varchar(100)
      CONSTRAINT registrations_organization_name_check CHECK (
        organization_name IS NULL
        OR (organization_code IS NOT NULL
            AND char_length(organization_name) BETWEEN 1 AND 100
            AND organization_name = btrim(organization_name)
            AND organization_name !~ '[[:cntrl:]]'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE registrations DROP COLUMN organization_name`);
  }
}
