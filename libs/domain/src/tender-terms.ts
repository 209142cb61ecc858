/**
 * What staff enter for a construction tender (建筑工程招标项目) and the form rules on it. The
 * statutory periods are tender-rules.ts's; this file is the shape: who the owner is, what the
 * works are, the estimate and deposit, the documents, and the wall-clock time of the deadline
 * on its day (the opening happens at that instant, by the database's clock).
 */
import { wallTimeInZone } from './calendar.js';
import type { RuleViolation } from './lease-listing-schedule.js';
import { type Fen, isFen } from './money.js';
import { DEAL_SUBTYPES } from './reports.js';
import { isSha256Hex } from './transfer-rules.js';
import { isUnifiedSocialCreditCode } from './organization-code.js';

/** The works' kinds, as the reports name construction subtypes. */
export const TENDER_KINDS = Object.keys(DEAL_SUBTYPES.construction) as readonly string[];
export const TENDER_EVALUATION_METHODS = ['lowest_evaluated_price', 'comprehensive_scoring'] as const;
export type TenderEvaluationMethod = (typeof TENDER_EVALUATION_METHODS)[number];

export const MAX_TENDER_TITLE_LENGTH = 200;
export const MAX_OWNER_NAME_LENGTH = 200;
export const MAX_TENDER_TEXT_LENGTH = 5000;
export const MAX_TENDER_DOCUMENTS = 50;
const MAX_DOCUMENT_NAME_LENGTH = 255;
const WALL_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface TenderTerms {
  title: string;
  /** 招标人 */
  ownerName: string;
  /** The owner's 统一社会信用代码: how conflicts of interest are found in the expert draw. */
  ownerOrgCode: string;
  kind: string;
  description: string;
  estimatedPrice: Fen;
  /** 国有资金占控股或者主导地位: such a project must award its first-ranked candidate. */
  stateFunded: boolean;
  evaluationMethod: TenderEvaluationMethod;
  bidderConditions: string;
  /** 投标保证金, fen; 0 when the notice asks for none. */
  deposit: Fen | 0;
  documents: { name: string; sha256: string }[];
  /** The deadline's wall-clock time on its day, CENTRE_TZ: the opening happens then. */
  bidDeadlineTime: string;
}

/** Every form problem of a tender's terms at once (field names only, never a value). */
export function tenderTermsViolations(terms: TenderTerms): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const text = (field: keyof TenderTerms, max: number, required: boolean) => {
    const value = terms[field];
    if (typeof value !== 'string' || value.length > max || (required && value.trim().length === 0))
      violations.push({ field, rule: `${required ? '1' : '0'} to ${max} characters` });
  };
  text('title', MAX_TENDER_TITLE_LENGTH, true);
  text('ownerName', MAX_OWNER_NAME_LENGTH, true);
  text('description', MAX_TENDER_TEXT_LENGTH, true);
  text('bidderConditions', MAX_TENDER_TEXT_LENGTH, false);
  if (!isUnifiedSocialCreditCode(terms.ownerOrgCode))
    violations.push({
      field: 'ownerOrgCode',
      rule: 'a unified social credit code (18 characters, GB 32100)',
    });
  if (!TENDER_KINDS.includes(terms.kind)) violations.push({ field: 'kind', rule: TENDER_KINDS.join(' or ') });
  if (!isFen(terms.estimatedPrice))
    violations.push({ field: 'estimatedPrice', rule: 'a positive safe integer number of fen' });
  if (terms.deposit !== 0 && !isFen(terms.deposit))
    violations.push({ field: 'deposit', rule: '0 or a positive safe integer number of fen' });
  if (typeof terms.stateFunded !== 'boolean')
    violations.push({ field: 'stateFunded', rule: 'true or false' });
  if (!(TENDER_EVALUATION_METHODS as readonly string[]).includes(terms.evaluationMethod))
    violations.push({ field: 'evaluationMethod', rule: TENDER_EVALUATION_METHODS.join(' or ') });
  if (typeof terms.bidDeadlineTime !== 'string' || !WALL_TIME.test(terms.bidDeadlineTime))
    violations.push({ field: 'bidDeadlineTime', rule: 'HH:MM from 00:00 to 23:59' });
  if (!Array.isArray(terms.documents) || terms.documents.length > MAX_TENDER_DOCUMENTS) {
    violations.push({ field: 'documents', rule: `at most ${MAX_TENDER_DOCUMENTS} documents` });
  } else {
    terms.documents.forEach((document, index) => {
      if (
        typeof document?.name !== 'string' ||
        document.name.trim().length === 0 ||
        document.name.length > MAX_DOCUMENT_NAME_LENGTH
      )
        violations.push({
          field: `documents[${index}].name`,
          rule: `1 to ${MAX_DOCUMENT_NAME_LENGTH} characters`,
        });
      if (!isSha256Hex(document?.sha256))
        violations.push({ field: `documents[${index}].sha256`, rule: 'SHA-256 as 64 lowercase hex digits' });
    });
  }
  return violations;
}

/** The instant of the bid deadline (and so of the opening): its day at its wall-clock time. */
export function bidDeadlineInstant(bidDeadlineOn: string, bidDeadlineTime: string, timeZone: string): Date {
  if (!WALL_TIME.test(bidDeadlineTime)) throw new RangeError(`not a time HH:MM: ${bidDeadlineTime}`);
  const [hour, minute] = bidDeadlineTime.split(':').map(Number);
  return wallTimeInZone(bidDeadlineOn, { hour, minute, second: 0 }, timeZone);
}
