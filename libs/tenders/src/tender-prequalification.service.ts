import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  addCalendarDays,
  bidDeadlineInstant,
  calendarDateInZone,
  DomainError,
  isSha256Hex,
  isUnifiedSocialCreditCode,
  MIN_BIDS,
  prequalificationOutcome,
  tenderScheduleAfterPrequalification,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  isUniqueViolation,
  PartyBans,
  type TenderProjectEntity,
  TenderProjectsRepository,
} from '@ggzy/persistence';
import type { AuthUser } from '@ggzy/auth';
import { hasPrequalification, TendersService } from './tenders.service.js';
import { toApplicationView } from './tender-project.views.js';
import { recordTenderStep } from './tender-evaluation.service.js';

export interface PrequalificationApplicationInput {
  organizationCode: string;
  documents: { name: string; sha256: string }[];
}

export const MAX_APPLICATION_DOCUMENTS = 20;
export const MAX_DECISION_REASON_LENGTH = 500;
/** PREQUALIFICATION_UNDECIDED names at most this many pending applications (the first), and counts all. */
export const MAX_UNDECIDED_LISTED = 20;

/** Fewer than 3 passed: the tender fails and is re-tendered (实施条例 第19条). Public. */
export const TOO_FEW_PREQUALIFIED_REASON = `通过资格预审的申请人少于${MIN_BIDS}个,依法重新招标`;

/**
 * A tender's prequalification (资格预审, 招标投标法实施条例 第15–22条): suppliers apply with their
 * organisation's code (and their application documents' SHA-256) from the day the prequalification
 * documents go on sale to the end of the day applications are due; staff pass or fail each
 * application with a reason; the result (资格预审结果通知书) is notified once every application is
 * decided and the applications are closed. Each applicant then sees its own result; with fewer than
 * 3 passed the tender fails (and is re-tendered as any failed round), else it is `prequalified` and
 * bidding opens for those who passed on the day the tender documents are issued. Every step under
 * the tender's lock, every day by the database's clock in CENTRE_TZ.
 */
@Injectable()
export class TenderPrequalificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: TenderProjectsRepository,
    private readonly partyBans: PartyBans,
    private readonly tenders: TendersService,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private today(now: Date) {
    return calendarDateInZone(now, this.config.CENTRE_TZ);
  }

  /** A supplier applies (资格预审申请), once per account and organisation. */
  async apply(bidder: AuthUser, projectId: string, input: PrequalificationApplicationInput) {
    if (!bidder.roles.includes('bidder'))
      throw new DomainError('FORBIDDEN', 'only suppliers apply for prequalification');
    const problems = applicationProblems(input);
    if (problems.length > 0)
      throw new DomainError('VALIDATION_FAILED', 'the application is not valid', problems);
    const application = await this.dataSource.transaction(async (manager) => {
      const project = await this.projects.lockById(manager, projectId);
      if (!project || project.status === 'registered')
        throw new DomainError('LISTING_NOT_FOUND', 'no such tender');
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      this.requireOpenForApplications(project, today);
      if (input.organizationCode === project.ownerOrgCode)
        throw new DomainError('SUPPLIER_IS_OWNER', 'the owner cannot apply in its own tender');
      await this.partyBans.refuseIfBanned(manager, bidder.id, now);
      const mine = await this.projects.applicationOfApplicant(projectId, bidder.id, manager);
      if (mine)
        throw new DomainError(
          'PREQUALIFICATION_ALREADY_APPLIED',
          'you have applied for this prequalification',
          {
            applicationId: mine.id,
          },
        );
      const created = await this.projects
        .insertApplication(manager, {
          projectId,
          applicantId: bidder.id,
          organizationCode: input.organizationCode,
          documents: input.documents,
          appliedAt: now,
          appliedOn: today,
        })
        .catch((error: unknown) => {
          if (isUniqueViolation(error, 'tender_prequalification_applications_organization_key'))
            throw new DomainError('ORGANIZATION_ALREADY_APPLIED', 'this organisation has applied already');
          if (isUniqueViolation(error))
            throw new DomainError(
              'PREQUALIFICATION_ALREADY_APPLIED',
              'you have applied for this prequalification',
            );
          throw error;
        });
      await this.record(manager, bidder, projectId, now, 'tender.prequalification_applied', {
        applicationId: created.id,
        organizationCode: created.organizationCode,
        documents: created.documents,
      });
      return created;
    });
    return toApplicationView(application, { staff: false, resultOn: null });
  }

  /** Staff pass or fail one application with a reason, while the prequalification runs. */
  async decide(
    staff: AuthUser,
    projectId: string,
    applicationId: string,
    decision: { status: 'passed' | 'failed'; reason: string },
  ) {
    const decided = await this.dataSource.transaction(async (manager) => {
      const project = await this.tenders.mustLock(manager, projectId);
      if (project.status !== 'prequalification')
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `applications are decided while the prequalification runs; the tender is ${project.status}`,
        );
      const application = await this.projects.applicationOf(projectId, applicationId, manager);
      if (!application)
        throw new DomainError('PREQUALIFICATION_APPLICATION_NOT_FOUND', 'no such application to this tender');
      if (application.status !== 'pending')
        throw new DomainError(
          'PREQUALIFICATION_APPLICATION_DECIDED',
          `this application has ${application.status}`,
          {
            status: application.status,
          },
        );
      const now = await this.projects.databaseNow(manager);
      const written = await this.projects.decideApplication(manager, applicationId, {
        ...decision,
        decidedBy: staff.id,
        decidedAt: now,
      });
      if (!written)
        throw new DomainError('PREQUALIFICATION_APPLICATION_DECIDED', 'this application has its decision');
      await this.record(manager, staff, projectId, now, 'tender.prequalification_decided', {
        applicationId,
        applicantId: application.applicantId,
        status: decision.status,
        reason: decision.reason,
      });
      return (await this.projects.applicationOf(projectId, applicationId, manager))!;
    });
    return toApplicationView(decided, { staff: true });
  }

  /** Staff and supervisors: the applications in the order they came, with who applied. */
  async applications(projectId: string, page: { limit: number; offset: number }) {
    const project = await this.tenders.mustFind(projectId);
    if (!hasPrequalification(project)) return { items: [], total: 0 };
    const { items, total } = await this.projects.applicationsOf(projectId, page);
    return { items: items.map((item) => toApplicationView(item, { staff: true })), total };
  }

  /** A supplier's own applications; each decision shows once the result is notified. */
  async mine(bidder: AuthUser, page: { limit: number; offset: number }) {
    const { items, total } = await this.projects.applicationsOfApplicant(bidder.id, page);
    return {
      items: items.map((item) => ({
        ...toApplicationView(item, { staff: false, resultOn: item.resultOn }),
        projectCode: item.projectCode,
        projectTitle: item.projectTitle,
      })),
      total,
    };
  }

  /**
   * 资格预审结果: after the day applications were due, every application decided. Fewer than 3
   * passed → failed (the reason public, re-tendered as any failed round); else prequalified, the
   * tender's schedule moved by the days the result came after its documents' sale was to start,
   * and bidding opens at once when the documents' day has come.
   */
  async conclude(staff: AuthUser, projectId: string) {
    const project = await this.dataSource.transaction(async (manager) => {
      const current = await this.tenders.mustLock(manager, projectId);
      if (current.status !== 'prequalification')
        throw new DomainError(
          'INVALID_STATE_TRANSITION',
          `cannot conclude the prequalification of a tender that is ${current.status}`,
        );
      const now = await this.projects.databaseNow(manager);
      const today = this.today(now);
      if (today <= current.applicationsDueOn!)
        throw new DomainError(
          'PREQUALIFICATION_NOT_ENDED',
          `applications are taken to the end of ${current.applicationsDueOn}`,
          {
            applicationsDueOn: current.applicationsDueOn,
            earliestOn: addCalendarDays(current.applicationsDueOn!, 1),
          },
        );
      // Counted in SQL: a prequalification may have any number of applications.
      const counts = await this.projects.applicationCounts(projectId, manager);
      if (counts.pending > 0)
        throw new DomainError('PREQUALIFICATION_UNDECIDED', 'every application needs its decision first', {
          applicationIds: await this.projects.pendingApplicationIds(projectId, MAX_UNDECIDED_LISTED, manager),
          pending: counts.pending,
        });
      const { passed } = counts;
      const outcome = prequalificationOutcome(passed);
      const result = { prequalificationResultOn: today, prequalificationPassed: passed };
      let changes: Partial<TenderProjectEntity>;
      let movedDays = 0;
      if (outcome === 'failed') {
        changes = {
          ...result,
          status: this.tenders.transition(current.status, 'fail'),
          failedReason: TOO_FEW_PREQUALIFIED_REASON,
        };
      } else {
        const after = tenderScheduleAfterPrequalification(current, today);
        movedDays = after.movedDays;
        changes = {
          ...result,
          ...after.schedule,
          status: this.tenders.transition(current.status, 'conclude_prequalification'),
          bidDeadlineAt: bidDeadlineInstant(
            after.schedule.bidDeadlineOn,
            current.bidDeadlineTime,
            this.config.CENTRE_TZ,
          ),
        };
      }
      await this.projects.update(manager, projectId, changes);
      await this.record(manager, staff, projectId, now, 'tender.prequalification_result', {
        from: current.status,
        to: changes.status,
        resultOn: today,
        applications: counts.applications,
        passed,
        movedDays,
        ...(outcome === 'failed' ? { reason: TOO_FEW_PREQUALIFIED_REASON } : {}),
      });
      return { ...current, ...changes } as TenderProjectEntity;
    });
    const opened =
      project.status === 'prequalified' && project.documentsIssuedOn <= project.prequalificationResultOn!
        ? await this.tenders.openBidding(projectId)
        : null;
    await this.tenders.scheduleSteps(opened ?? project);
    return this.tenders.staffView(opened ?? project, staff);
  }

  /** Applications are taken from the documents' sale to the end of the day they are due. */
  private requireOpenForApplications(project: TenderProjectEntity, today: string) {
    if (!hasPrequalification(project))
      throw new DomainError('PREQUALIFICATION_CLOSED', 'this tender has no prequalification', {
        prequalification: false,
      });
    if (
      project.status !== 'prequalification' ||
      today < project.prequalificationSaleStartsOn! ||
      today > project.applicationsDueOn!
    )
      throw new DomainError(
        'PREQUALIFICATION_CLOSED',
        'applications for this prequalification are not taken now',
        {
          status: project.status === 'suspended' ? 'suspended' : project.status,
          saleStartsOn: project.prequalificationSaleStartsOn,
          applicationsDueOn: project.applicationsDueOn,
        },
      );
  }

  private record(
    manager: EntityManager,
    actor: AuthUser,
    projectId: string,
    at: Date,
    action: string,
    data: Record<string, unknown>,
  ) {
    return recordTenderStep(this.audit, manager, { actor, projectId, at, action, data });
  }
}

/** The application's form: the organisation's code, at most 20 documents each hashed. */
function applicationProblems(input: PrequalificationApplicationInput) {
  const problems: { field: string; rule: string }[] = [];
  if (!isUnifiedSocialCreditCode(input.organizationCode))
    problems.push({
      field: 'organizationCode',
      rule: 'a unified social credit code (18 characters, GB 32100)',
    });
  if (!Array.isArray(input.documents) || input.documents.length > MAX_APPLICATION_DOCUMENTS)
    problems.push({ field: 'documents', rule: `at most ${MAX_APPLICATION_DOCUMENTS} documents` });
  else
    input.documents.forEach((document, index) => {
      if (
        typeof document?.name !== 'string' ||
        document.name.trim().length === 0 ||
        document.name.length > 255
      )
        problems.push({ field: `documents[${index}].name`, rule: '1 to 255 characters' });
      if (!isSha256Hex(document?.sha256))
        problems.push({ field: `documents[${index}].sha256`, rule: 'SHA-256 as 64 lowercase hex digits' });
    });
  return problems;
}
