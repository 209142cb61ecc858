import { monthsOf, yearSteps } from './report-builder.js';

describe('yearSteps', () => {
  it.each<[string, string, string[]]>([
    ['2018-01-01', '2018-05-31', ['2018-01-01..2018-05-31']],
    [
      '2016-03-15',
      '2018-02-01',
      ['2016-03-15..2016-12-31', '2017-01-01..2017-12-31', '2018-01-01..2018-02-01'],
    ],
    ['2018-05-31', '2018-05-31', ['2018-05-31..2018-05-31']],
  ])('%s..%s', (from, to, steps) => {
    expect(yearSteps(from, to).map((step) => `${step.from}..${step.to}`)).toEqual(steps);
  });
});

describe('monthsOf (the bucket edges of one step)', () => {
  it.each<[string, string, string[]]>([
    ['2018-01-01', '2018-03-31', ['2018-01@2018-01-01', '2018-02@2018-02-01', '2018-03@2018-03-01']],
    ['2018-05-20', '2018-05-20', ['2018-05@2018-05-20']],
    ['2018-11-15', '2018-12-02', ['2018-11@2018-11-15', '2018-12@2018-12-01']],
  ])('%s..%s', (from, to, months) => {
    expect(monthsOf(from, to).map((month) => `${month.month}@${month.firstDate}`)).toEqual(months);
  });
});
