import { confirmedOrganizationName, ORGANIZATION_NAME_MAX_LENGTH } from './organization-name.js';

describe('confirmedOrganizationName', () => {
  it.each([
    ['广州某某建设工程有限公司', '广州某某建设工程有限公司'],
    ['  广州某某建设工程有限公司 ', '广州某某建设工程有限公司'],
    ['\u3000Acme Co., Ltd.\u3000', 'Acme Co., Ltd.'],
    ['中国（广东）某某科技有限公司', '中国（广东）某某科技有限公司'],
    ['某'.repeat(ORGANIZATION_NAME_MAX_LENGTH), '某'.repeat(ORGANIZATION_NAME_MAX_LENGTH)],
    ['𠀀'.repeat(ORGANIZATION_NAME_MAX_LENGTH), '𠀀'.repeat(ORGANIZATION_NAME_MAX_LENGTH)],
  ])('%j is confirmed as %j', (raw, name) => {
    expect(confirmedOrganizationName(raw)).toBe(name);
  });

  it.each([
    ['empty', ''],
    ['blank', ' \t\u3000 '],
    ['too long', '某'.repeat(ORGANIZATION_NAME_MAX_LENGTH + 1)],
    ['a newline inside', '某某\n有限公司'],
    ['a NUL', '某某\u0000公司'],
    ['a DEL', '某某\u007f公司'],
    ['a right-to-left override', '某某\u202e公司'],
    ['a zero-width space', '某某\u200b公司'],
    ['a line separator', '某某\u2028公司'],
    ['a private-use character', '某某\ue000公司'],
    ['a lone surrogate', '某某\ud800公司'],
  ])('%s is refused with ORGANIZATION_NAME_INVALID', (_, raw) => {
    expect(() => confirmedOrganizationName(raw)).toThrow(
      expect.objectContaining({ code: 'ORGANIZATION_NAME_INVALID', status: 400 }),
    );
  });
});
