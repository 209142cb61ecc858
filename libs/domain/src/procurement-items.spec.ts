import { DomainError } from './errors.js';
import {
  canonicalProcurementItemCode,
  canonicalProcurementItemName,
  checkProcurementItem,
  PROCUREMENT_ITEM_CLASS_LENGTH,
  type ProcurementItemTerms,
  procurementItemClass,
} from './procurement-items.js';

const item = (overrides: Partial<ProcurementItemTerms> = {}): ProcurementItemTerms => ({
  itemCode: 'A02010104',
  itemName: '台式计算机',
  subjectType: null,
  ...overrides,
});

function outcome(terms: ProcurementItemTerms): { code: string; details: unknown } | 'ok' {
  try {
    checkProcurementItem(terms);
    return 'ok';
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { code: error.code, details: error.details };
  }
}

const invalid = (...fields: string[]) => ({
  code: 'PROCUREMENT_ITEM_INVALID',
  details: fields.map((field) => ({ field, rule: expect.any(String) })),
});

describe('checkProcurementItem (品目, 政府采购品目分类目录)', () => {
  it.each([
    [
      'none at all: the project takes no part in PROJECT_SPLITTING',
      item({ itemCode: null, itemName: null }),
      'ok',
    ],
    ['a 品目 four levels down', item(), 'ok'],
    ['a 大类 (one level)', item({ itemCode: 'A02', itemName: '通用设备' }), 'ok'],
    ['five levels', item({ itemCode: 'C2301020101' }), 'ok'],
    ['works (B) with no subject type', item({ itemCode: 'B0101', itemName: '房屋施工' }), 'ok'],
    ['goods under A', item({ subjectType: 'goods' }), 'ok'],
    [
      'services under C',
      item({ itemCode: 'C1601', itemName: '物业管理服务', subjectType: 'services' }),
      'ok',
    ],
    ['a name of 100 characters', item({ itemName: '机'.repeat(100) }), 'ok'],
    ['the letter alone', item({ itemCode: 'A' }), invalid('itemCode')],
    ['an odd number of digits', item({ itemCode: 'A0201010' }), invalid('itemCode')],
    ['six levels', item({ itemCode: 'A020101040101' }), invalid('itemCode')],
    ['another letter', item({ itemCode: 'D0201' }), invalid('itemCode')],
    ['lower case (not canonical)', item({ itemCode: 'a02010104' }), invalid('itemCode')],
    ['a space inside', item({ itemCode: 'A02 010104' }), invalid('itemCode')],
    ['full-width digits', item({ itemCode: 'A０２' }), invalid('itemCode')],
    ['a newline at the end', item({ itemCode: 'A02\n' }), invalid('itemCode')],
    ['a code without its name', item({ itemName: null }), invalid('itemName')],
    ['a name without its code', item({ itemCode: null }), invalid('itemCode')],
    ['an empty name', item({ itemName: '' }), invalid('itemName')],
    ['a name of 101 characters', item({ itemName: '机'.repeat(101) }), invalid('itemName')],
    [
      'both wrong: every problem listed',
      item({ itemCode: 'X', itemName: '' }),
      invalid('itemCode', 'itemName'),
    ],
    [
      'goods under a services code',
      item({ itemCode: 'C1601', subjectType: 'goods' }),
      {
        code: 'PROCUREMENT_ITEM_SUBJECT_MISMATCH',
        details: { itemCode: 'C1601', subjectType: 'goods', expectedLetter: 'A' },
      },
    ],
    [
      'services under a goods code',
      item({ subjectType: 'services' }),
      {
        code: 'PROCUREMENT_ITEM_SUBJECT_MISMATCH',
        details: { itemCode: 'A02010104', subjectType: 'services', expectedLetter: 'C' },
      },
    ],
    [
      'works (B) for goods',
      item({ itemCode: 'B0101', subjectType: 'goods' }),
      {
        code: 'PROCUREMENT_ITEM_SUBJECT_MISMATCH',
        details: expect.objectContaining({ expectedLetter: 'A' }),
      },
    ],
  ] as [string, ProcurementItemTerms, unknown][])('%s', (_name, terms, expected) => {
    expect(outcome(terms)).toEqual(expected);
  });

  it.each([
    [' a02010104 ', 'A02010104'],
    ['c1601', 'C1601'],
    ['A02', 'A02'],
  ])('stores the code %j as %j', (entered, stored) => {
    expect(canonicalProcurementItemCode(entered)).toBe(stored);
  });

  it('trims the name and leaves what is no text to the check', () => {
    expect(canonicalProcurementItemName('  台式计算机 ')).toBe('台式计算机');
    expect(canonicalProcurementItemName('   ')).toBe('');
    expect(canonicalProcurementItemCode(null)).toBeNull();
    expect(outcome(item({ itemName: canonicalProcurementItemName('   ') as string }))).toEqual(
      invalid('itemName'),
    );
  });
});

describe('procurementItemClass: the level PROJECT_SPLITTING groups by (类别, the letter and two levels)', () => {
  it('is 5 characters', () => {
    expect(PROCUREMENT_ITEM_CLASS_LENGTH).toBe(5);
  });

  it.each([
    ['an item at the fourth level', 'A02010104', 'A0201'],
    ['its parent, a level up', 'A020101', 'A0201'],
    ['the class itself', 'A0201', 'A0201'],
    ['a fifth level', 'C2301020101', 'C2301'],
    ['a sibling item (laptops beside desktops): the same class', 'A02010105', 'A0201'],
    ['another class under the same 大类', 'A020201', 'A0202'],
    ['a 大类, above any class: as it is', 'A02', 'A02'],
    ['works', 'B010101', 'B0101'],
    ['a construction tender’s kind of works (no catalogue code): unchanged', 'building', 'building'],
    ['not canonical (lower case): no code, unchanged', 'a02010104', 'a02010104'],
  ])('%s: %s → %s', (_name, code, expected) => {
    expect(procurementItemClass(code)).toBe(expected);
  });

  it.each([
    ['A0201', 'A020101', true],
    ['A020101', 'A02010104', true],
    ['A0201', 'A02010104', true],
    ['A02010104', 'A02010105', true],
    ['A02010104', 'A0202', false],
    ['A02010104', 'A02', false],
    ['A0201', 'C0201', false],
  ])('%s and %s are one class: %s', (one, other, same) => {
    expect(procurementItemClass(one) === procurementItemClass(other)).toBe(same);
  });
});
