import { isUnifiedSocialCreditCode } from './organization-code.js';

const VALID_CODE = '91360100MA35F6GX2N';

describe('isUnifiedSocialCreditCode', () => {
  it.each([
    [VALID_CODE, true],
    // Published codes of well-known companies: the weights and the alphabet are the standard's.
    ['914403001922038216', true],
    ['9144030071526726XG', true],
    ['91330100799655058B', true],
    ['91360100MA35F6GX2J', false], // wrong check character
    ['91360100ma35f6gx2n', false], // lower case is not the code
    ['91360100MA35F6GX2', false], // 17 characters
    ['91360100MA35F6GX2NN', false], // 19 characters
    ['91360100MA35F6GXIN', false], // I is not in the alphabet
    ['', false],
    [12345, false],
    [null, false],
  ])('%p → %p', (code, valid) => {
    expect(isUnifiedSocialCreditCode(code)).toBe(valid);
  });

  it('takes a check character of 0 when the weighted sum is a multiple of 31', () => {
    expect(isUnifiedSocialCreditCode('000000000000000000')).toBe(true);
    expect(isUnifiedSocialCreditCode('00000000000000000Y')).toBe(false);
  });
});
