import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, isCanonicalId } from '@ggzy/common';
import {
  addCalendarDays,
  calendarDateInZone,
  checkCommitteeComposition,
  COMMITTEE_HOST_TYPES,
  type CommitteeHostType,
  type CommitteeRule,
  DomainError,
  drawCommittee,
  type ExclusionReason,
  isCalendarDate,
  isExpertAvailableOn,
  isSpecialtyCode,
  isUnifiedSocialCreditCode,
  MAX_BIDDER_ORGS,
  minExperts,
  type PoolExpert,
  recordPool,
  type RecordedPoolExpert,
  replayRecordedDraw,
  type RuleViolation,
  requireDrawSeed,
  type SpecialtyNeed,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  type CommitteeDrawEntity,
  CommitteeDrawsRepository,
  type CommitteeHost,
  type ExpertChanges,
  type ExpertEntity,
  ExpertsRepository,
} from '@ggzy/persistence';

/** What staff enter for a new expert (validated at the edge; the DB's CHECKs mirror it). */
export interface NewExpertInput {
  name: string;
  employerName: string;
  employerOrgCode: string;
  specialties: string[];
  available?: boolean;
  unavailableUntil?: string | null;
  phone?: string | null;
}

export type ExpertUpdate = ExpertChanges;

/** Who reads an expert: staff see the phone, supervisors do not need it. */
export type ExpertViewer = 'staff' | 'supervisor';

export interface CommitteeDrawRequest extends CommitteeHost {
  /** The owner (招标人 / 采购人) and every bidder, by 统一社会信用代码. */
  ownerOrgCode: string;
  bidderOrgCodes: string[];
  /** The domain's committeeRule for the project. */
  rule: CommitteeRule;
  /** Experts to draw per specialty; their sum is the committee's expert members. */
  needs: SpecialtyNeed[];
  /** The owner's representatives on the committee (not drawn); 0 by default. */
  ownerRepresentatives?: number;
  /** 64 hex digits from the system's randomness when absent. */
  seed?: string;
  /** The host's current draw this one replaces (a member declined); required when there is one. */
  replacing?: string;
  drawnBy: string;
  /** The database's clock, and its day in CENTRE_TZ. */
  now: Date;
  today: string;
}

export interface CommitteeDrawView {
  id: string;
  hostType: CommitteeHostType;
  hostId: string;
  ownerOrgCode: string;
  bidderOrgCodes: string[];
  rule: CommitteeDrawEntity['rule'];
  needs: SpecialtyNeed[];
  seed: string;
  recentSittingDays: number;
  drawDay: string;
  candidates: RecordedPoolExpert[];
  memberIds: string[];
  current: boolean;
  supersededBy: string | null;
  supersededAt: string | null;
  drawnBy: string;
  drawnAt: string;
}

export interface CommitteeReplayView {
  /** The replay drew the recorded members, in the recorded order, and every exclusion holds. */
  matches: boolean;
  memberIds: string[] | null;
  recordedMemberIds: string[];
  exclusionsHold: boolean;
  /** The code the replay stopped at when it drew nobody. */
  refusal: string | null;
}

function toExpertView(expert: ExpertEntity, today: string, viewer: ExpertViewer) {
  return {
    id: expert.id,
    name: expert.name,
    employerName: expert.employerName,
    employerOrgCode: expert.employerOrgCode,
    specialties: expert.specialties,
    available: expert.available,
    unavailableUntil: expert.unavailableUntil,
    availableToday: isExpertAvailableOn(expert, today),
    ...(viewer === 'staff' ? { phone: expert.phone } : {}),
    createdAt: expert.createdAt.toISOString(),
    updatedAt: expert.updatedAt.toISOString(),
  };
}

function toDrawView(draw: CommitteeDrawEntity): CommitteeDrawView {
  return {
    id: draw.id,
    hostType: draw.hostType,
    hostId: draw.hostId,
    ownerOrgCode: draw.ownerOrgCode,
    bidderOrgCodes: draw.bidderOrgCodes,
    rule: draw.rule,
    needs: draw.needs,
    seed: draw.seed,
    recentSittingDays: draw.recentSittingDays,
    drawDay: draw.drawDay,
    candidates: draw.candidates,
    memberIds: draw.memberIds,
    current: draw.current,
    supersededBy: draw.supersededBy,
    supersededAt: draw.supersededAt?.toISOString() ?? null,
    drawnBy: draw.drawnBy,
    drawnAt: draw.drawnAt.toISOString(),
  };
}

const EXCLUSION_REASONS: readonly (ExclusionReason | null)[] = [
  null,
  'unavailable',
  'employed_by_owner',
  'employed_by_bidder',
  'sat_with_owner_recently',
];

/** A recorded pool read back from jsonb: anything else (edited by hand) cannot be replayed. */
function isRecordedPool(value: unknown): value is RecordedPoolExpert[] {
  const strings = (list: unknown) => Array.isArray(list) && list.every((item) => typeof item === 'string');
  return (
    Array.isArray(value) &&
    value.every(
      (entry) =>
        entry !== null &&
        typeof entry === 'object' &&
        typeof entry.expertId === 'string' &&
        strings(entry.specialties) &&
        typeof entry.employerOrgCode === 'string' &&
        typeof entry.available === 'boolean' &&
        strings(entry.satWithOwnerOn) &&
        EXCLUSION_REASONS.includes(entry.excluded),
    )
  );
}

/** The draw's fixed content, digested for the audit trail (which carries no member ids). */
function drawDigest(draw: Pick<CommitteeDrawEntity, 'seed' | 'needs' | 'candidates' | 'memberIds'>) {
  const { seed, needs, candidates, memberIds } = draw;
  return createHash('sha256').update(JSON.stringify({ seed, needs, candidates, memberIds })).digest('hex');
}

/**
 * The expert pool (专家库) and the committees drawn from it. Staff keep the experts; a host
 * line (tender, procurement) draws its committee inside its own transaction, holding its own
 * lock; supervisors read a draw and replay it. A draw's members stay hidden: only supervisors
 * read draws here, and a host shows its committee once it decides it is public (currentDraw).
 */
@Injectable()
export class ExpertPoolService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly experts: ExpertsRepository,
    private readonly draws: CommitteeDrawsRepository,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  // --- the pool, for staff ---

  async create(staffId: string, input: NewExpertInput) {
    return this.dataSource.transaction(async (manager) => {
      const { now, today } = await this.clock(manager);
      refuse(expertViolations(input));
      const expert = await this.experts.insert(manager, {
        name: input.name,
        employerName: input.employerName,
        employerOrgCode: input.employerOrgCode,
        specialties: [...new Set(input.specialties)],
        available: input.available ?? true,
        unavailableUntil: input.unavailableUntil ?? null,
        phone: input.phone ?? null,
        createdBy: staffId,
      });
      // No name or phone in the trail: the entry says what changed in the pool, not who the person is.
      await this.audit.append(manager, {
        at: now,
        actorId: staffId,
        action: 'expert.created',
        entityType: 'expert',
        entityId: expert.id,
        data: {
          employerOrgCode: expert.employerOrgCode,
          specialties: expert.specialties,
          available: expert.available,
          unavailableUntil: expert.unavailableUntil,
        },
      });
      return toExpertView(expert, today, 'staff');
    });
  }

  async update(staffId: string, id: string, changes: ExpertUpdate) {
    return this.dataSource.transaction(async (manager) => {
      const { now, today } = await this.clock(manager);
      refuse(expertViolations(changes));
      const expert = await this.experts.lockById(manager, id);
      if (!expert) throw new DomainError('EXPERT_NOT_FOUND', 'no such expert');
      const update: ExpertChanges = { ...changes };
      if (changes.specialties) update.specialties = [...new Set(changes.specialties)];
      await this.experts.update(manager, id, update);
      const { phone: _phone, employerName: _employerName, ...audited } = update;
      await this.audit.append(manager, {
        at: now,
        actorId: staffId,
        action: 'expert.updated',
        entityType: 'expert',
        entityId: id,
        data: { changed: Object.keys(update).sort(), ...audited },
      });
      return toExpertView((await this.experts.findById(id, manager))!, today, 'staff');
    });
  }

  async list(
    filter: { specialty?: string; available?: boolean; limit: number; offset: number },
    viewer: ExpertViewer,
  ) {
    const { today } = await this.clock(this.dataSource.manager);
    const { items, total } = await this.experts.list({
      specialty: filter.specialty,
      availableOn: filter.available === undefined ? undefined : { today, available: filter.available },
      limit: filter.limit,
      offset: filter.offset,
    });
    return { items: items.map((expert) => toExpertView(expert, today, viewer)), total };
  }

  async get(id: string, viewer: ExpertViewer) {
    const { today } = await this.clock(this.dataSource.manager);
    const expert = await this.experts.findById(id);
    if (!expert) throw new DomainError('EXPERT_NOT_FOUND', 'no such expert');
    return toExpertView(expert, today, viewer);
  }

  // --- the draw, for the host lines ---

  /**
   * Draws the committee's experts for a host, in the caller's transaction (the host holds its
   * own lock). Refusals, each writing nothing: a malformed request VALIDATION_FAILED; a split
   * that breaks the rule COMMITTEE_TOO_SMALL / COMMITTEE_NOT_ODD / COMMITTEE_TOO_FEW_EXPERTS;
   * a host already drawn without `replacing` its current draw COMMITTEE_ALREADY_DRAWN (a stale
   * or unknown `replacing` too, or COMMITTEE_DRAW_NOT_FOUND when there is none); too few
   * eligible experts NOT_ENOUGH_ELIGIBLE_EXPERTS with the shortage per specialty.
   */
  async draw(manager: EntityManager, request: CommitteeDrawRequest) {
    refuse(drawRequestViolations(request));
    const seed = request.seed ?? randomBytes(32).toString('hex');
    requireDrawSeed(seed);
    const ownerRepresentatives = request.ownerRepresentatives ?? 0;
    const experts = request.needs.reduce((sum, need) => sum + need.count, 0);
    checkCommitteeComposition(request.rule, { experts, ownerRepresentatives });
    const host: CommitteeHost = { hostType: request.hostType, hostId: request.hostId };

    await this.draws.lockOwner(manager, request.ownerOrgCode);
    const current = await this.draws.findCurrent(host, manager);
    if (current && request.replacing !== current.id)
      throw new DomainError(
        'COMMITTEE_ALREADY_DRAWN',
        request.replacing
          ? 'the draw to replace is not the current one'
          : 'the committee is drawn: a redraw names the draw it replaces',
        { currentDrawId: current.id },
      );
    if (!current && request.replacing)
      throw new DomainError('COMMITTEE_DRAW_NOT_FOUND', 'the host has no current draw to replace');

    const recentSittingDays = this.config.COMMITTEE_RECENT_SITTING_DAYS;
    const rows = await this.experts.poolFor(manager, {
      specialties: request.needs.map((need) => need.specialty),
      ownerOrgCode: request.ownerOrgCode,
      sittingsSince: addCalendarDays(request.today, -recentSittingDays),
      host,
    });
    const bidderOrgCodes = [...new Set(request.bidderOrgCodes)].sort();
    const pool: PoolExpert[] = rows.map((row) => ({
      id: row.id,
      specialties: row.specialties,
      employerOrgId: row.employerOrgCode,
      available: isExpertAvailableOn(row, request.today),
      recentSittings: row.satWithOwnerOn.map((satOn) => ({ ownerOrgId: request.ownerOrgCode, satOn })),
    }));
    const input = {
      pool,
      ownerOrgId: request.ownerOrgCode,
      bidderOrgIds: bidderOrgCodes,
      needs: request.needs,
      seed,
      today: request.today,
      recentSittingDays,
    };
    const drawn = drawCommittee(input);
    const draw = {
      id: randomUUID(),
      ...host,
      ownerOrgCode: request.ownerOrgCode,
      bidderOrgCodes,
      rule: {
        minMembers: request.rule.minMembers,
        members: experts + ownerRepresentatives,
        experts,
        ownerRepresentatives,
        minExperts: minExperts(experts + ownerRepresentatives),
      },
      needs: drawn.needs,
      seed,
      recentSittingDays,
      drawDay: request.today,
      candidates: recordPool(input, drawn),
      memberIds: drawn.expertIds,
      drawnBy: request.drawnBy,
      drawnAt: request.now,
    };
    await this.draws.insert(manager, draw, current ? { id: current.id, at: request.now } : null);
    await this.audit.append(manager, {
      at: request.now,
      actorId: request.drawnBy,
      action: 'committee.drawn',
      entityType: 'committee_draw',
      entityId: draw.id,
      // The committee is secret until the opening and the trail is read more widely: counts and
      // a digest of the record, never who was drawn.
      data: {
        ...host,
        members: draw.rule.members,
        experts,
        candidates: draw.candidates.length,
        excluded: drawn.excluded.length,
        recordSha256: drawDigest(draw),
        replacing: current?.id ?? null,
      },
    });
    return toDrawView({ ...draw, current: true, supersededBy: null, supersededAt: null });
  }

  /** The host's current draw (for the host to show once its committee is public), or null. */
  async currentDraw(host: CommitteeHost, manager?: EntityManager): Promise<CommitteeDrawView | null> {
    const draw = await this.draws.findCurrent(host, manager);
    return draw ? toDrawView(draw) : null;
  }

  // --- supervision ---

  async getDraw(id: string): Promise<CommitteeDrawView> {
    const draw = await this.draws.findById(id);
    if (!draw) throw new DomainError('COMMITTEE_DRAW_NOT_FOUND', 'no such committee draw');
    return toDrawView(draw);
  }

  /** Replays a draw from its record alone; the replay itself goes into the trail. */
  async replay(supervisorId: string, id: string): Promise<CommitteeReplayView> {
    return this.dataSource.transaction(async (manager) => {
      const draw = await this.draws.findById(id, manager);
      if (!draw) throw new DomainError('COMMITTEE_DRAW_NOT_FOUND', 'no such committee draw');
      const replay = isRecordedPool(draw.candidates)
        ? replayRecordedDraw({
            seed: draw.seed,
            needs: draw.needs,
            ownerOrgCode: draw.ownerOrgCode,
            bidderOrgCodes: draw.bidderOrgCodes,
            drawDay: draw.drawDay,
            recentSittingDays: draw.recentSittingDays,
            pool: draw.candidates,
          })
        : { memberIds: null, exclusionsHold: false, refusal: 'RECORD_UNREADABLE' };
      const matches =
        replay.exclusionsHold &&
        replay.memberIds !== null &&
        replay.memberIds.length === draw.memberIds.length &&
        replay.memberIds.every((memberId, index) => memberId === draw.memberIds[index]);
      const { now } = await this.clock(manager);
      await this.audit.append(manager, {
        at: now,
        actorId: supervisorId,
        action: 'committee.replayed',
        entityType: 'committee_draw',
        entityId: id,
        data: { matches, exclusionsHold: replay.exclusionsHold, refusal: replay.refusal },
      });
      return { matches, ...replay, recordedMemberIds: draw.memberIds };
    });
  }

  private async clock(manager: EntityManager): Promise<{ now: Date; today: string }> {
    const [{ now }] = (await manager.query('SELECT clock_timestamp() AS now')) as { now: Date }[];
    return { now, today: calendarDateInZone(now, this.config.CENTRE_TZ) };
  }
}

function refuse(violations: RuleViolation[]) {
  if (violations.length > 0)
    throw new DomainError('VALIDATION_FAILED', 'the request is not valid', violations);
}

/** The service's own check of what the edge validates too: a host line may call it directly. */
function expertViolations(input: Partial<NewExpertInput>): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (input.employerOrgCode !== undefined && !isUnifiedSocialCreditCode(input.employerOrgCode))
    violations.push({
      field: 'employerOrgCode',
      rule: 'a 统一社会信用代码 (18 characters, valid check character)',
    });
  if (
    input.specialties !== undefined &&
    (!Array.isArray(input.specialties) ||
      input.specialties.length === 0 ||
      !input.specialties.every(isSpecialtyCode))
  )
    violations.push({ field: 'specialties', rule: 'one or more specialty codes' });
  if (
    input.unavailableUntil !== undefined &&
    input.unavailableUntil !== null &&
    !isCalendarDate(input.unavailableUntil)
  )
    violations.push({ field: 'unavailableUntil', rule: 'a date YYYY-MM-DD' });
  return violations;
}

function drawRequestViolations(request: CommitteeDrawRequest): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (!COMMITTEE_HOST_TYPES.includes(request.hostType))
    violations.push({ field: 'hostType', rule: COMMITTEE_HOST_TYPES.join(' or ') });
  if (!isCanonicalId(request.hostId)) violations.push({ field: 'hostId', rule: 'a lower-case UUID' });
  if (!isCanonicalId(request.drawnBy)) violations.push({ field: 'drawnBy', rule: 'a lower-case UUID' });
  if (request.replacing !== undefined && !isCanonicalId(request.replacing))
    violations.push({ field: 'replacing', rule: 'a lower-case UUID' });
  if (!isUnifiedSocialCreditCode(request.ownerOrgCode))
    violations.push({ field: 'ownerOrgCode', rule: 'a 统一社会信用代码' });
  if (
    !Array.isArray(request.bidderOrgCodes) ||
    request.bidderOrgCodes.length > MAX_BIDDER_ORGS ||
    !request.bidderOrgCodes.every(isUnifiedSocialCreditCode)
  )
    violations.push({ field: 'bidderOrgCodes', rule: `at most ${MAX_BIDDER_ORGS} 统一社会信用代码` });
  // Checked here, before the composition is counted from them; the domain's draw checks them again.
  const needs = Array.isArray(request.needs) ? request.needs : [];
  const specialties = needs.map((need) => need?.specialty);
  if (
    needs.length === 0 ||
    !specialties.every(isSpecialtyCode) ||
    new Set(specialties).size !== specialties.length ||
    !needs.every((need) => Number.isInteger(need.count) && need.count >= 1 && need.count <= 99)
  )
    violations.push({
      field: 'needs',
      rule: 'one or more distinct specialty codes, each with a count from 1 to 99',
    });
  const rule = request.rule as CommitteeRule | null | undefined;
  if (!rule || !Number.isInteger(rule.minMembers) || rule.minMembers < 1)
    violations.push({
      field: 'rule',
      rule: "the domain's committeeRule for the project (single source has none)",
    });
  const representatives = request.ownerRepresentatives ?? 0;
  if (!Number.isInteger(representatives) || representatives < 0)
    violations.push({ field: 'ownerRepresentatives', rule: 'a whole number ≥ 0' });
  if (!isCalendarDate(request.today)) violations.push({ field: 'today', rule: 'a date YYYY-MM-DD' });
  if (!(request.now instanceof Date) || Number.isNaN(request.now.getTime()))
    violations.push({ field: 'now', rule: 'an instant' });
  return violations;
}
