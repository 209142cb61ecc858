import { periodLabel as domainPeriodLabel } from '../libs/domain/src/reports.js';
import { periodErrorKey, periodLabel } from '../apps/web/src/pages/reports-text.js';

describe("the reports list's period words", () => {
  test.each([
    ['2018-05-01', '2018-05-31', '2018年5月'],
    ['2018-01-01', '2018-05-31', '2018年1-5月'],
    ['2018-04-01', '2018-06-30', '2018年第二季度'],
    ['2018-01-01', '2018-06-30', '2018年上半年'],
    ['2018-07-01', '2018-12-31', '2018年下半年'],
    ['2018-01-01', '2018-12-31', '2018年'],
    ['2016-01-01', '2018-12-31', '2016-2018年'],
    ['2017-11-01', '2018-02-28', '2017年11月-2018年2月'],
    ['2020-02-01', '2020-02-29', '2020年2月'],
    ['2018-03-12', '2018-03-12', '2018年3月12日'],
    ['2018-03-02', '2018-03-31', '2018年3月2-31日'],
    ['2018-03-02', '2018-04-30', '2018年3月2日-4月30日'],
    ['2017-12-31', '2018-01-01', '2017年12月31日-2018年1月1日'],
    ['2019-02-01', '2019-02-28', '2019年2月'],
  ])('%s..%s → %s, as the API writes it', (from, to, label) => {
    expect(periodLabel(from, to)).toBe(label);
    expect(domainPeriodLabel(from, to)).toBe(label);
  });
});

describe('period refusals in plain words', () => {
  test.each([
    ['INVALID_PERIOD', 'from is after to', 'err.fromAfterTo'],
    ['INVALID_PERIOD', 'a report covers at most 20 years', 'err.tooLong'],
    ['VALIDATION_FAILED', 'from is a calendar date YYYY-MM-DD', 'err.badDate'],
    ['REPORT_NOT_READY', 'the report is running', 'err.notReady'],
    ['FORBIDDEN', 'no', undefined],
  ])('%s %s', (code, message, key) => {
    expect(periodErrorKey(code, message)).toBe(key);
  });
});
