/**
 * How the public names a supplier that applied with its organisation's code (tenders, procurement):
 * by the organisation's registered name — the name of the account registered under that very
 * 统一社会信用代码 (API.md's `orgCode`: the organisation's own account) — and otherwise by the code
 * alone. Never by the display name of a person's account, or of an account registered under
 * another code: that may be a person's real name, and it is not the organisation's.
 * `registration` and `account` are the aliases of `registrations` and `users` (joined on the bidder).
 */
export function publicSupplierNameSql(registration: string, account: string): string {
  return `CASE WHEN ${registration}.organization_code IS NULL THEN NULL
               WHEN upper(btrim(${account}.org_code)) = ${registration}.organization_code
                    AND btrim(${account}.display_name) <> ''
               THEN btrim(${account}.display_name)
               ELSE ${registration}.organization_code END`;
}
