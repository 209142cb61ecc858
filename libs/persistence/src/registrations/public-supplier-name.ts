/**
 * How the public names a supplier that applied with its organisation's code (tenders, procurement):
 * by the organisation's registered name (营业执照上的名称) staff confirmed when they qualified it,
 * stored on the registration, and otherwise by the code alone. Never by an account's display name:
 * the code an account carries is whatever its owner typed at sign-up (anyone may type another
 * organisation's), the name may be a person's real name, and an account edit would rewrite what
 * was published. `registration` is the alias of `registrations`.
 */
export function publicSupplierNameSql(registration: string): string {
  return `CASE WHEN ${registration}.organization_code IS NULL THEN NULL
               ELSE coalesce(${registration}.organization_name, ${registration}.organization_code) END`;
}
