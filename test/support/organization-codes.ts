import { randomBytes } from 'node:crypto';
import { unifiedSocialCreditCheckCharacter } from '../../libs/domain/src/organization-code.js';

/** A valid 统一社会信用代码 of its own for each organisation in a test (random body, true check character). */
export function randomOrgCode(): string {
  const body = `91360100${randomBytes(5)
    .toString('hex')
    .toUpperCase()
    .replace(/[IOSVZ]/g, '1')}`.slice(0, 17);
  return body + unifiedSocialCreditCheckCharacter(body);
}
