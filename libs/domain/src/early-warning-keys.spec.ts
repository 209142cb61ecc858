import {
  alertEvidenceKey,
  DEFAULT_EARLY_WARNING_THRESHOLDS,
  EARLY_WARNING_RULE_IDS,
  type EarlyWarningAlert,
  earlyWarningRules,
  isDeviceFingerprint,
} from './early-warning.js';

describe('device fingerprints: the form the edge accepts', () => {
  it.each([
    ['a'.repeat(16), true],
    ['A-z_0'.repeat(25) + 'abc', true], // 128
    ['a'.repeat(129), false],
    ['a'.repeat(15), false],
    ['', false],
    ['abcdefghijklmnop q', false],
    ['abcdefghijklmnop/', false],
    ['指纹指纹指纹指纹指纹指纹指纹指纹', false],
    [1234567890123456, false],
    [null, false],
  ])('%j → %s', (value, ok) => {
    expect(isDeviceFingerprint(value)).toBe(ok);
  });
});

describe('alert evidence keys: one alert per finding', () => {
  const alert = (
    ruleId: EarlyWarningAlert['ruleId'],
    evidence: Record<string, unknown>,
  ): EarlyWarningAlert => ({
    ruleId,
    processId: 'p1',
    evidence,
  });

  it.each([
    [alert('SINGLE_QUALIFIED_BIDDER', { qualifiedBidderIds: ['a'] }), ''],
    [alert('WON_AT_START_PRICE', { startPrice: 1 }), ''],
    [alert('SHARED_CLIENT_ADDRESS', { clientAddress: '10.0.0.1', bidderIds: ['a', 'b'] }), '10.0.0.1'],
    [alert('SHARED_DEVICE_FINGERPRINT', { deviceFingerprint: 'f'.repeat(64) }), 'f'.repeat(64)],
    [alert('RECURRING_BIDDER_SET', { bidderIds: ['a', 'b'], meetings: 3 }), 'a,b'],
    [alert('IDENTICAL_BID_DOCUMENTS', { sha256: 'e'.repeat(64) }), 'e'.repeat(64)],
    [alert('OUTLIER_WINNING_SCORE', { winnerId: 'w' }), 'w'],
    [alert('ABNORMALLY_LOW_BID', { bidderId: 'b' }), 'b'],
    [alert('PROJECT_SPLITTING', { ownerId: 'o', subject: 's', year: 2026 }), 'o|s|2026'],
    [alert('COMPLAINT_OVERDUE', { complaintId: 'c', step: 'decide' }), 'c|decide|'],
    [alert('DEPOSIT_REFUND_OVERDUE', { depositId: 'd' }), 'd'],
  ])('%j → %j', (given, key) => {
    expect(alertEvidenceKey(given)).toBe(key);
  });

  it('a grown evidence (a third bidder on the address) keeps its key', () => {
    const two = alert('SHARED_CLIENT_ADDRESS', { clientAddress: '10.0.0.1', bidderIds: ['a', 'b'] });
    const three = alert('SHARED_CLIENT_ADDRESS', { clientAddress: '10.0.0.1', bidderIds: ['a', 'b', 'c'] });
    expect(alertEvidenceKey(three)).toBe(alertEvidenceKey(two));
  });
});

describe('the rules list', () => {
  it('names every rule with its title and only the thresholds it uses', () => {
    const rules = earlyWarningRules();
    expect(rules.map((rule) => rule.ruleId)).toEqual([...EARLY_WARNING_RULE_IDS]);
    expect(rules.find((rule) => rule.ruleId === 'ABNORMALLY_LOW_BID')).toEqual({
      ruleId: 'ABNORMALLY_LOW_BID',
      title: '报价明显低于平均价',
      thresholds: { lowBidPercentOfMean: DEFAULT_EARLY_WARNING_THRESHOLDS.lowBidPercentOfMean },
    });
    expect(rules.find((rule) => rule.ruleId === 'SHARED_CLIENT_ADDRESS')!.thresholds).toEqual({});
  });
});
