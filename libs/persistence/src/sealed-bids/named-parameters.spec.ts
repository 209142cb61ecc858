import { namedParameters } from './named-parameters.js';

describe('namedParameters', () => {
  it.each([
    ['one name', 'SELECT :a', { a: 1 }, 'SELECT $1', [1]],
    ['numbered by first appearance', 'SELECT :b, :a', { a: 1, b: 2 }, 'SELECT $1, $2', [2, 1]],
    [
      'a name used twice is one parameter',
      'WHERE x = :a OR y = :a',
      { a: 'v' },
      'WHERE x = $1 OR y = $1',
      ['v'],
    ],
    ['casts stay', 'SELECT :at::timestamptz, x::text', { at: 0 }, 'SELECT $1::timestamptz, x::text', [0]],
    ['a time literal stays', `SELECT '12:30'::time, :a`, { a: null }, `SELECT '12:30'::time, $1`, [null]],
    ['underscores and digits', 'SELECT :host_id2', { host_id2: 'h' }, 'SELECT $1', ['h']],
    ['no names', 'SELECT 1', {}, 'SELECT 1', []],
  ] as [string, string, Record<string, unknown>, string, unknown[]][])(
    '%s',
    (_name, text, values, expectedText, expectedParameters) => {
      expect(namedParameters(text, values)).toEqual({ text: expectedText, parameters: expectedParameters });
    },
  );

  it.each([
    ['a name without a value', 'SELECT :a, :b', { a: 1 }, 'no value for :b'],
    ['a value without a name', 'SELECT :a', { a: 1, b: 2 }, 'values not in the statement: b'],
  ] as [string, string, Record<string, unknown>, string][])('refuses %s', (_name, text, values, message) => {
    expect(() => namedParameters(text, values)).toThrow(message);
  });
});
