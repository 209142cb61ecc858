import { DomainError } from './errors.js';
import { isWellFormedText } from './text.js';

/** The longest organisation name staff may confirm (a 营业执照's 名称 is far shorter). */
export const ORGANIZATION_NAME_MAX_LENGTH = 100;

/**
 * Control, format (zero-width, bidirectional overrides), private-use and separator characters:
 * none belongs in a registered name, and a format character can make one name look like another.
 */
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Co}\p{Zl}\p{Zp}]/u;

/**
 * The organisation's registered name (营业执照上的名称) as staff confirm it when they qualify a
 * supplier: trimmed, 1–100 characters, no control or format characters. The public names a
 * supplier by this name (else by its code alone), never by the name of the account that applied.
 * ORGANIZATION_NAME_INVALID otherwise.
 */
export function confirmedOrganizationName(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  if (
    length === 0 ||
    length > ORGANIZATION_NAME_MAX_LENGTH ||
    FORBIDDEN.test(name) ||
    !isWellFormedText(name)
  )
    throw new DomainError(
      'ORGANIZATION_NAME_INVALID',
      `the organisation's registered name must be 1-${ORGANIZATION_NAME_MAX_LENGTH} characters without control characters`,
      { maxLength: ORGANIZATION_NAME_MAX_LENGTH },
    );
  return name;
}
