import { DomainError, ERROR_STATUS, type ErrorCode, isErrorCode } from './errors.js';

/**
 * The HTTP status each code maps to, grouped by what kind of failure it is:
 * malformed input 400, no/invalid identity 401, not allowed 403, missing 404,
 * conflicts with the current state 409, well-formed but against a business rule 422,
 * too large 413, too many requests 429.
 */
const EXPECTED_STATUS: [ErrorCode, number][] = [
  // malformed input
  ['VALIDATION_FAILED', 400],
  ['INVALID_JSON', 400],
  ['INVALID_ID', 400],
  ['UNKNOWN_EVENT', 400],
  ['INVALID_PERIOD', 400],
  ['UNKNOWN_FORMAT', 400],
  ['IMPORT_ROWS_INVALID', 400],
  ['INVALID_IMPORT_FILE', 400],
  ['TOO_MANY_KEYS', 400],
  // identity
  ['UNAUTHENTICATED', 401],
  ['INVALID_CREDENTIALS', 401],
  ['INVALID_TOKEN', 401],
  ['TOKEN_EXPIRED', 401],
  // permission
  ['FORBIDDEN', 403],
  ['ORIGIN_NOT_ALLOWED', 403],
  ['PARTY_BANNED', 403],
  // missing resources
  ['NOT_FOUND', 404],
  ['LISTING_NOT_FOUND', 404],
  ['REGISTRATION_NOT_FOUND', 404],
  ['REPORT_NOT_FOUND', 404],
  ['COMPLAINT_NOT_FOUND', 404],
  ['SEALED_BID_NOT_FOUND', 404],
  ['SANCTION_NOT_FOUND', 404],
  ['PARTY_NOT_FOUND', 404],
  ['ANNOUNCEMENT_NOT_FOUND', 404],
  // conflicts with the resource's state
  ['USERNAME_TAKEN', 409],
  ['INVALID_STATE_TRANSITION', 409],
  ['ALREADY_REGISTERED', 409],
  ['REGISTRATION_ALREADY_DECIDED', 409],
  ['REPORT_NOT_READY', 409],
  ['LISTING_NOT_EDITABLE', 409],
  ['AUCTION_NOT_OPEN', 409],
  ['AUCTION_CLOSED', 409],
  ['DISCLOSURE_NOT_ENDED', 409],
  ['BUYER_COUNT_MISMATCH', 409],
  ['DEPOSIT_ALREADY_RECEIVED', 409],
  ['DEPOSIT_ALREADY_SETTLED', 409],
  ['PUBLICITY_NOT_ENDED', 409],
  ['SEALED_UNTIL_OPENING', 409],
  ['SEALED_BIDS_ALREADY_OPENED', 409],
  ['QUALIFICATION_CALL_NOT_ENDED', 409],
  ['INVITATION_ALREADY_DRAWN', 409],
  ['COMPLAINT_NOT_PENDING', 409],
  ['DOCUMENT_REQUEST_NOT_ALLOWED', 409],
  ['SANCTION_ALREADY_REVOKED', 409],
  // business rules
  ['REGISTRATION_CLOSED', 422],
  ['REGISTRATION_NOT_OPEN', 422],
  ['SCHEDULE_IN_PAST', 422],
  ['CALENDAR_INVALID', 400],
  ['CALENDAR_YEAR_MISSING', 422],
  ['DEPOSIT_NOT_RECEIVED', 422],
  ['BID_TOO_LOW', 422],
  ['SELF_OUTBID', 422],
  ['NOT_QUALIFIED', 422],
  ['DISCLOSURE_TOO_SHORT', 422],
  ['PRICE_BELOW_VALUATION_NEEDS_APPROVAL', 422],
  ['RELIST_BELOW_90_PERCENT_NEEDS_APPROVAL', 422],
  ['EXTENSIONS_EXHAUSTED', 422],
  ['AGREEMENT_PRICE_TOO_LOW', 422],
  ['CONTRACT_DEADLINE_PASSED', 422],
  ['BIDDER_NOT_REGISTERED', 422],
  ['WINNER_NOT_PRESENT', 422],
  ['WINNER_NOT_QUALIFIED', 422],
  ['HAMMER_PRICE_TOO_LOW', 422],
  ['ON_SITE_AUCTION_TOO_EARLY', 422],
  ['ON_SITE_AUCTION_IN_FUTURE', 422],
  ['DOCUMENT_SALE_TOO_SHORT', 422],
  ['BID_PERIOD_TOO_SHORT', 422],
  ['RESPONSE_PERIOD_TOO_SHORT', 422],
  ['PREQUALIFICATION_PERIOD_TOO_SHORT', 422],
  ['OBJECTION_TOO_LATE', 422],
  ['CANDIDATE_PUBLICITY_TOO_LATE', 422],
  ['CANDIDATE_PUBLICITY_TOO_SHORT', 422],
  ['SINGLE_SOURCE_PUBLICITY_TOO_SHORT', 422],
  ['DEPOSIT_ABOVE_LIMIT', 422],
  ['TOO_FEW_BIDS', 422],
  ['TOO_FEW_SUPPLIERS', 422],
  ['SUSPENSION_TOO_LONG', 422],
  ['AWARD_DECISION_OVERDUE', 422],
  ['CALL_OFF_SUPPLIER_NOT_ADMITTED', 422],
  ['CALL_OFF_OUTSIDE_TERM', 422],
  ['COMMITTEE_TOO_SMALL', 422],
  ['COMMITTEE_NOT_ODD', 422],
  ['COMMITTEE_TOO_FEW_EXPERTS', 422],
  ['NOT_ENOUGH_ELIGIBLE_EXPERTS', 422],
  ['EXPERT_NOT_FOUND', 404],
  ['COMMITTEE_DRAW_NOT_FOUND', 404],
  ['INVITATION_DRAW_NOT_FOUND', 404],
  ['COMMITTEE_ALREADY_DRAWN', 409],
  ['SCORES_INCOMPLETE', 422],
  ['AWARD_NOT_A_CANDIDATE', 422],
  ['AWARD_NOT_FIRST_CANDIDATE', 422],
  ['SEALED_BID_TAMPERED', 422],
  ['BIDDING_CLOSED', 409],
  ['BIDDING_NOT_OPEN', 409],
  ['DEADLINE_MOVED_EARLIER', 422],
  ['AMENDMENT_DEADLINE_TOO_EARLY', 422],
  ['SUPPLIER_IS_OWNER', 422],
  ['ORGANIZATION_ALREADY_REGISTERED', 409],
  ['NOT_INVITED', 422],
  ['INVITATION_DRAW_TOO_LATE', 422],
  ['COMPLAINT_WINDOW_CLOSED', 422],
  ['COMPLAINT_WINDOW_NOT_OPEN', 422],
  ['CHALLENGE_REQUIRED', 422],
  ['COMPLAINT_KIND_NOT_ALLOWED', 422],
  ['COMPLAINT_REMEDY_REQUIRED', 422],
  ['COMPLAINT_REMEDY_NOT_ALLOWED', 422],
  ['FALSE_COMPLAINT_NOT_DISMISSED', 422],
  ['SANCTION_INVALID', 422],
  ['FALSE_COMPLAINT_BAN_OUT_OF_RANGE', 422],
  ['FEE_SCHEDULE_MISSING', 422],
  ['REPORT_TOTAL_TOO_LARGE', 422],
  ['FEE_NOT_IN_SCHEDULE', 422],
  ['OBJECTION_NOT_FOUND', 404],
  ['OBJECTION_ALREADY_ANSWERED', 409],
  ['OBJECTION_PENDING', 409],
  ['OBJECTOR_NOT_A_BIDDER', 403],
  ['CANDIDATE_OBJECTION_NOT_OPEN', 422],
  ['CANDIDATE_OBJECTION_TOO_LATE', 422],
  ['TENDER_ALREADY_RETENDERED', 409],
  ['TENDER_CANDIDATE_NOT_FOUND', 404],
  ['CANDIDATE_ALREADY_WITHDRAWN', 409],
  ['FEE_SCHEDULE_INVALID', 400],
  // a tender's evaluation
  ['COMMITTEE_NOT_DRAWN', 422],
  ['COMMITTEE_SEALED_UNTIL_OPENING', 403],
  ['COMMITTEE_CONFLICT_OF_INTEREST', 422],
  ['COMMITTEE_MEMBER_NOT_FOUND', 404],
  ['TENDER_BID_NOT_FOUND', 404],
  ['BID_ALREADY_REJECTED', 409],
  ['EVALUATION_METHOD_MISMATCH', 409],
  ['EVALUATION_ALREADY_REPORTED', 409],
  ['EVALUATION_NOT_REPORTED', 409],
  ['EVALUATED_PRICES_INCOMPLETE', 422],
  ['CANDIDATES_NOT_PUBLISHED', 404],
  ['CONTRACT_SIGNED_IN_FUTURE', 422],
  ['CONTRACT_BEFORE_AWARD', 422],
  ['COMMITTEE_REDRAW_AFTER_OPENING', 409],
  // a procurement's evaluation
  ['PROCUREMENT_BID_NOT_FOUND', 404],
  ['PROCUREMENT_RESULT_NOT_ANNOUNCED', 404],
  // procurement methods
  ['OBJECTION_PERIOD_ENDED', 422],
  ['OBJECTIONS_UNANSWERED', 409],
  ['SINGLE_SOURCE_SUPPLIER_ALREADY_QUALIFIED', 409],
  ['NEGOTIATED_PRICE_ABOVE_BUDGET', 422],
  ['FRAMEWORK_TERM_TOO_LONG', 422],
  ['CALL_OFF_IN_FUTURE', 422],
  ['CALL_OFF_ABOVE_BUDGET', 422],
  ['OBJECTION_ALREADY_FILED', 409],
  // early warning (预警)
  ['ALERT_NOT_FOUND', 404],
  ['ALERT_TRANSITION_NOT_ALLOWED', 409],
  ['DEVICE_FINGERPRINT_INVALID', 400],
  ['METHOD_CHANGE_NEEDS_APPROVAL', 422],
  ['SINGLE_SOURCE_NOT_ALLOWED', 422],
  ['PROCUREMENT_ALREADY_REPLANNED', 409],
  ['METHOD_SET_BY_REPLAN', 409],
  ['RE_EVALUATION_NOT_ALLOWED', 409],
  ['PRICE_WEIGHT_OUT_OF_RANGE', 422],
  // complaints (issue 10): the project, the complainant, the requests for documents
  ['COMPLAINT_PROJECT_NOT_FOUND', 404],
  ['COMPLAINANT_NOT_A_PARTICIPANT', 403],
  ['DOCUMENT_REQUEST_NOT_FOUND', 404],
  ['DOCUMENT_REQUEST_ALREADY_ANSWERED', 409],
  // complaints pages: staff list challenges only
  ['COMPLAINTS_SUPERVISOR_ONLY', 403],
  // transport limits
  ['PAYLOAD_TOO_LARGE', 413],
  ['IMPORT_TOO_LARGE', 413],
  ['IMPORT_CELL_TOO_LONG', 413],
  ['IMPORT_UNPACKED_TOO_LARGE', 413],
  ['UNSUPPORTED_MEDIA_TYPE', 415],
  ['RATE_LIMITED', 429],
  ['TOO_MANY_CONNECTIONS', 429],
  ['SERVICE_UNAVAILABLE', 503],
  // fees and the review of deal records (issue 10, branch issue10-fees)
  ['FEE_SCHEDULE_EXISTS', 409],
  ['DEAL_NOT_FOUND', 404],
  // complaints after the attack review (branch fix-complaints)
  ['COMPLAINT_BUSY', 409],
  ['COMPLAINT_STAGE_UNKNOWN', 422],
  ['COMPLAINT_KNEW_ON_REQUIRED', 422],
  ['COMPLAINT_FILINGS_LIMIT', 409],
  // a procurement's item (品目), for PROJECT_SPLITTING (branch fix-alerts-2)
  ['PROCUREMENT_ITEM_INVALID', 400],
  ['PROCUREMENT_ITEM_SUBJECT_MISMATCH', 422],
  // a tender's prequalification (资格预审)
  ['PREQUALIFICATION_SALE_TOO_SHORT', 422],
  ['PREQUALIFICATION_CLOSED', 422],
  ['PREQUALIFICATION_ALREADY_APPLIED', 409],
  ['ORGANIZATION_ALREADY_APPLIED', 409],
  ['PREQUALIFICATION_APPLICATION_NOT_FOUND', 404],
  ['PREQUALIFICATION_APPLICATION_DECIDED', 409],
  ['PREQUALIFICATION_NOT_ENDED', 409],
  ['PREQUALIFICATION_UNDECIDED', 409],
  ['NOT_PREQUALIFIED', 403],
  ['OBJECTOR_NOT_PREQUALIFIED', 403],
  // framework agreements: quality first, orders in turn (branch procurement-pages-2)
  ['FRAMEWORK_PRICE_SCORED', 422],
  ['QUALITY_FIRST_NOT_ALLOWED', 422],
  ['CALL_OFF_NOT_IN_TURN', 422],
  // who holds a suspension (branch fix-complaints-2)
  ['PROJECT_SUSPENDED_BY_ANOTHER', 409],
  ['SUSPENSION_HELD_BY_COMPLAINT', 409],
  // staff-confirmed organisation names (branch org-names)
  ['ORGANIZATION_NAME_INVALID', 400],
];

describe('ERROR_STATUS', () => {
  it('has exactly the codes the table above expects', () => {
    expect(Object.keys(ERROR_STATUS).sort()).toEqual(EXPECTED_STATUS.map(([code]) => code).sort());
  });

  it('maps every rule code to a 4xx status; the one 5xx is the database refusing a connection', () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) {
      if (code === 'SERVICE_UNAVAILABLE') continue;
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    }
    expect(ERROR_STATUS.SERVICE_UNAVAILABLE).toBe(503);
  });
});

describe('DomainError', () => {
  it.each(EXPECTED_STATUS)('%s → HTTP %d', (code, status) => {
    const error = new DomainError(code, `failed with ${code}`);
    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });

  it.each<[string, ErrorCode, string, unknown]>([
    ['without details', 'BID_TOO_LOW', 'the minimum bid is 105000 fen', undefined],
    ['with object details', 'VALIDATION_FAILED', 'bad input', [{ field: 'startPrice', rule: 'positive' }]],
    ['with primitive details', 'LISTING_NOT_FOUND', 'no such listing', 'L42'],
  ])('%s is a real Error carrying code, message and details', (_name, code, message, details) => {
    const error =
      details === undefined ? new DomainError(code, message) : new DomainError(code, message, details);
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(DomainError);
    expect(error.name).toBe('DomainError');
    expect(error.message).toBe(message);
    expect(error.code).toBe(code);
    expect(error.details).toEqual(details);
    expect(error.stack).toContain(message);
  });

  it('can be thrown and caught with its status intact', () => {
    const attempt = () => {
      throw new DomainError('AUCTION_CLOSED', 'bidding on this listing has ended');
    };
    expect(attempt).toThrow(DomainError);
    expect(attempt).toThrow('bidding on this listing has ended');
    try {
      attempt();
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).status).toBe(409);
    }
    expect.assertions(4);
  });
});

describe('isErrorCode', () => {
  it.each(EXPECTED_STATUS.map(([code]) => code))('%s → true', (code) => {
    expect(isErrorCode(code)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a lower-case code', 'bid_too_low'],
    ['a code with surrounding space', ' BID_TOO_LOW'],
    ['an unknown code', 'INTERNAL_ERROR'],
    ['the empty string', ''],
    // Inherited Object.prototype members must not count as codes.
    ['"toString"', 'toString'],
    ['"constructor"', 'constructor'],
    ['"hasOwnProperty"', 'hasOwnProperty'],
    ['"__proto__"', '__proto__'],
    ['a status number', 422],
    ['null', null],
    ['undefined', undefined],
    ['a boxed string', new String('BID_TOO_LOW')],
    ['an array holding a code', ['BID_TOO_LOW']],
    ['an object', { code: 'BID_TOO_LOW' }],
    ['a DomainError', new DomainError('BID_TOO_LOW', 'too low')],
  ])('%s → false', (_name, value) => {
    expect(isErrorCode(value)).toBe(false);
  });
});
