import { isWellFormedText } from './text.js';

describe('isWellFormedText', () => {
  it.each([
    ['plain', 'abc', true],
    ['Chinese', '投标文件.pdf', true],
    ['a pair (an emoji)', 'a\uD83D\uDE00b', true],
    ['empty', '', true],
    ['a lone high surrogate', '\uD800', false],
    ['a lone high surrogate before text', '\uD800x', false],
    ['a lone low surrogate', 'x\uDC00', false],
    ['two highs', '\uD800\uD800\uDC00', false],
    ['a reversed pair', '\uDE00\uD83D', false],
  ])('%s → %p', (_, text, wellFormed) => {
    expect(isWellFormedText(text)).toBe(wellFormed);
  });
});
