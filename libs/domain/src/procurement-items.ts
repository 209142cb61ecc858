/**
 * 品目: what a government procurement buys, as 政府采购品目分类目录 (财库〔2022〕31号) names it — a
 * code and its name. The code is the catalogue's: a letter for the 门类 (A 货物, B 工程, C 服务)
 * and two digits per level below it (A02 通用设备 → A0201 → A020101 → A02010104 台式计算机); the
 * purchaser enters the item at the depth it buys (a desktop computer, or computer equipment as a
 * whole). The code is stored canonical (upper case, no spaces); PROJECT_SPLITTING compares
 * projects by its class (procurementItemClass: 实施条例 第28条, 同一品目或者类别); the name is for
 * people to read.
 *
 * Optional on a project: one registered without it takes no part in PROJECT_SPLITTING (the staff
 * form asks for it). Given, the code and the name come together.
 */
import { DomainError } from './errors.js';
import type { ProcurementSubjectType } from './procurement-methods.js';

/** A, B or C, then one to five levels of two digits (the catalogue has four below the letter). */
export const PROCUREMENT_ITEM_CODE_PATTERN = /^[ABC](?:[0-9]{2}){1,5}$/;
export const MAX_PROCUREMENT_ITEM_NAME_LENGTH = 100;

/**
 * The level PROJECT_SPLITTING groups a purchaser's projects at: the letter and two levels, the
 * catalogue's class (类别, A0201 under A02). 实施条例 第28条 counts purchases "of the same item or
 * class" (同一品目或者类别) together, and a purchaser chooses the depth it files at: one purchase of
 * computers split into A0201, A020101 and A02010104 is still one class of goods bought in parts, so
 * comparing codes exactly would let the depth hide the split. The class, not the item: the items
 * below it (desktops, laptops) are what a split is made of. Not the 大类 (A02, one level): that puts
 * a purchaser's computers, office machines and vehicles in one sum, things bought apart for good
 * reason, and the rule would fire on every purchaser's ordinary year.
 */
export const PROCUREMENT_ITEM_CLASS_LENGTH = 5;

/**
 * A code's class for PROJECT_SPLITTING: its first 5 characters (A02010104 → A0201). A code filed
 * above the class (A02) names no one class and is compared as it is. Anything that is not a
 * catalogue code (a construction tender's kind of works) is its own key, unchanged.
 */
export function procurementItemClass(code: string): string {
  return PROCUREMENT_ITEM_CODE_PATTERN.test(code) ? code.slice(0, PROCUREMENT_ITEM_CLASS_LENGTH) : code;
}

/** The catalogue's letter for each subject type: goods are A, services C (B, works, has no subject type). */
export const PROCUREMENT_ITEM_LETTER: Readonly<Record<ProcurementSubjectType, string>> = {
  goods: 'A',
  services: 'C',
};

export interface ProcurementItemTerms {
  itemCode: string | null;
  itemName: string | null;
  subjectType: ProcurementSubjectType | null;
}

/** The code as stored: trimmed and in upper case (a02010104 → A02010104); anything else unchanged. */
export function canonicalProcurementItemCode<T>(value: T): T | string {
  return typeof value === 'string' ? value.trim().toUpperCase() : value;
}

/** The name as stored: trimmed. */
export function canonicalProcurementItemName<T>(value: T): T | string {
  return typeof value === 'string' ? value.trim() : value;
}

/**
 * The item's form (400 PROCUREMENT_ITEM_INVALID, every problem listed), then its agreement with the
 * subject type (422 PROCUREMENT_ITEM_SUBJECT_MISMATCH: goods are bought under an A code, services
 * under a C code). Expects canonical values (canonicalProcurementItemCode/Name).
 */
export function checkProcurementItem(terms: ProcurementItemTerms): void {
  const { itemCode, itemName, subjectType } = terms;
  if (itemCode === null && itemName === null) return;
  const violations: { field: 'itemCode' | 'itemName'; rule: string }[] = [];
  if (itemCode === null)
    violations.push({
      field: 'itemCode',
      rule: 'required with itemName (the code and the name go together)',
    });
  else if (typeof itemCode !== 'string' || !PROCUREMENT_ITEM_CODE_PATTERN.test(itemCode))
    violations.push({
      field: 'itemCode',
      rule: 'a code of 政府采购品目分类目录: A, B or C, then 2 to 10 digits in pairs (A02010104)',
    });
  if (itemName === null)
    violations.push({
      field: 'itemName',
      rule: 'required with itemCode (the code and the name go together)',
    });
  else if (
    typeof itemName !== 'string' ||
    itemName.length === 0 ||
    [...itemName].length > MAX_PROCUREMENT_ITEM_NAME_LENGTH
  )
    violations.push({
      field: 'itemName',
      rule: `the item's name, 1–${MAX_PROCUREMENT_ITEM_NAME_LENGTH} characters, not blank`,
    });
  if (violations.length > 0)
    throw new DomainError('PROCUREMENT_ITEM_INVALID', 'the procurement item (品目) is not valid', violations);
  if (subjectType === null) return;
  const expected = PROCUREMENT_ITEM_LETTER[subjectType];
  if (itemCode!.charAt(0) !== expected)
    throw new DomainError(
      'PROCUREMENT_ITEM_SUBJECT_MISMATCH',
      `${subjectType} are bought under an item code starting with ${expected}`,
      { itemCode, subjectType, expectedLetter: expected },
    );
}
