import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '@ggzy/common';
import {
  calendarDateInZone,
  checkCallOff,
  checkCallOffWithinBudget,
  checkRotationTurn,
  rotationNextSupplier,
  DomainError,
  nextProcurementStatus,
  type ProcurementAction,
  requireDate,
} from '@ggzy/domain';
import {
  AuditLogRepository,
  type CallOff,
  DealsRepository,
  PartyBans,
  ProcurementEvaluationRepository,
  ProcurementMethodsRepository,
  type ProcurementProjectEntity,
  ProcurementProjectsRepository,
} from '@ggzy/persistence';
import { hasAnyRole, type AuthUser } from '@ggzy/auth';
import type { PublicSupplier } from '@ggzy/sealed-bids';
import { DEAL_SUBTYPE_OF_METHOD, ProcurementEvaluationService } from './procurement-evaluation.service.js';

const ENTITY_TYPE = 'procurement_project';
/** Each call-off order's deal is its own: `deals.source_id` is the call-off's id. */
export const CALL_OFF_SOURCE_TYPE = 'framework_call_off';

export interface CallOffInput {
  /** An admitted supplier: its registration's id or its (bidder) account's id. */
  supplier: string;
  amount: number;
  orderedOn: string;
  title: string;
  contractSha256: string | null;
  /** The client's own id for the order: a repeat of it returns the first order, records nothing. */
  clientOrderId: string | null;
}

/**
 * A framework agreement (框架协议) in force: the call-off orders under it, each placed with one of
 * the admitted suppliers within the agreement's term (from its signing) and recorded as a deal;
 * then the agreement is closed. The status moves only through procurement-lifecycle.ts.
 */
@Injectable()
export class ProcurementFrameworkService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly projects: ProcurementProjectsRepository,
    private readonly evaluations: ProcurementEvaluationRepository,
    private readonly methods: ProcurementMethodsRepository,
    private readonly evaluation: ProcurementEvaluationService,
    private readonly deals: DealsRepository,
    private readonly partyBans: PartyBans,
    private readonly audit: AuditLogRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async recordCallOff(staff: AuthUser, projectId: string, input: CallOffInput) {
    requireDate('orderedOn', input.orderedOn);
    return this.dataSource.transaction(async (manager) => {
      const project = await this.mustLock(manager, projectId);
      // A double submit (the same client order id) finds the first order: one order, one deal.
      if (input.clientOrderId) {
        const first = await this.methods.callOffByClientOrderId(manager, projectId, input.clientOrderId);
        if (first) {
          const suppliers = await this.evaluation.publicSuppliers(projectId, manager);
          return { ...toCallOffView(first, suppliers, true), recordedBy: first.recordedBy, repeated: true };
        }
      }
      const next = transition(project, 'record_call_off');
      const now = await this.projects.databaseNow(manager);
      const today = calendarDateInZone(now, this.config.CENTRE_TZ);
      if (input.orderedOn > today)
        throw new DomainError(
          'CALL_OFF_IN_FUTURE',
          `a call-off order is recorded once placed (today is ${today})`,
          {
            orderedOn: input.orderedOn,
            today,
          },
        );
      const evaluation = (await this.evaluations.find(projectId, manager))!;
      const admitted = await this.admitted(manager, projectId);
      const chosen = admitted.find(
        (one) => one.bidderId === input.supplier || one.registrationId === input.supplier,
      );
      // Orders run from the agreement's signing, never before its term.
      const termStartsOn =
        evaluation.contractSignedOn! > project.termStartsOn!
          ? evaluation.contractSignedOn!
          : project.termStartsOn!;
      checkCallOff({
        admittedSupplierIds: admitted.map((one) => one.bidderId),
        supplierId: chosen?.bidderId ?? input.supplier,
        termStartsOn,
        termEndsOn: project.termEndsOn!,
        orderedOn: input.orderedOn,
      });
      // 顺序轮候: the order goes to the admitted supplier whose turn it is (a banned one is passed over).
      if (project.callOffMethod === 'rotation')
        checkRotationTurn({
          ...(await this.rotation(manager, projectId, admitted, now)),
          supplierId: chosen!.bidderId,
        });
      // Under the project's lock: two orders at once cannot both fit in what is left of the budget.
      checkCallOffWithinBudget({
        budget: project.budget,
        orderedSoFar: await this.methods.orderedSoFar(manager, projectId),
        amount: input.amount,
      });
      // Admitted before its ban or not, a banned supplier gets no more orders (no deal with it).
      await this.partyBans.refuseIfBanned(manager, chosen!.bidderId, now);
      const id = randomUUID();
      const deal = await this.deals.insert(manager, {
        category: 'procurement',
        subtype: DEAL_SUBTYPE_OF_METHOD.framework_agreement,
        sourceType: CALL_OFF_SOURCE_TYPE,
        sourceId: id,
        title: input.title,
        amount: input.amount,
        winnerId: chosen!.bidderId,
        winnerName: chosen!.bidderName,
        closedAt: now,
      });
      const callOff: CallOff = {
        id,
        projectId,
        supplierId: chosen!.bidderId,
        supplierName: chosen!.bidderName,
        title: input.title,
        amount: input.amount,
        orderedOn: input.orderedOn,
        contractSha256: input.contractSha256,
        dealId: deal.id,
        recordedBy: staff.id,
        recordedAt: now,
        clientOrderId: input.clientOrderId,
      };
      await this.methods.insertCallOff(manager, callOff);
      await this.projects.update(manager, projectId, { status: next });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.record_call_off',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: {
          from: project.status,
          to: next,
          callOffId: id,
          dealId: deal.id,
          supplierId: callOff.supplierId,
          amount: input.amount,
          orderedOn: input.orderedOn,
          contractSha256: input.contractSha256,
          clientOrderId: input.clientOrderId,
        },
      });
      const suppliers = await this.evaluation.publicSuppliers(projectId, manager);
      return { ...toCallOffView(callOff, suppliers, true), recordedBy: staff.id, repeated: false };
    });
  }

  /** The agreement's orders (public once recorded: supplier, title, amount, day) and its admitted suppliers. */
  async callOffs(projectId: string, page: { limit: number; offset: number }, viewer?: AuthUser) {
    const project = await this.projects.findById(projectId);
    if (!project || project.status === 'planned')
      throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    if (project.method !== 'framework_agreement')
      throw new DomainError(
        'INVALID_STATE_TRANSITION',
        `a ${project.method} procurement has no call-off orders`,
        {
          method: project.method,
        },
      );
    const staff = hasAnyRole(viewer, ['staff', 'supervisor']);
    const evaluation = await this.evaluations.find(projectId);
    // The admitted are public with the result notice (awarded), not before.
    const admitted = evaluation?.awardNoticeOn ? await this.admitted(this.dataSource.manager, projectId) : [];
    const { items, total, totalAmount } = await this.methods.callOffsOf(projectId, page);
    // Named as the public names them: the organisation's registered name, never an account's.
    const suppliers = await this.evaluation.publicSuppliers(projectId);
    const callOffMethod = project.callOffMethod ?? 'direct_selection';
    // 顺序轮候: whose turn it is, once the admitted are public.
    const next =
      callOffMethod === 'rotation' && admitted.length > 0
        ? rotationNextSupplier(
            await this.rotation(
              this.dataSource.manager,
              projectId,
              admitted,
              await this.projects.databaseNow(),
            ),
          )
        : null;
    const nextSupplier = admitted.find((one) => one.bidderId === next);
    return {
      projectId,
      status: project.status,
      callOffMethod,
      nextInRotation: nextSupplier
        ? {
            supplierName: suppliers.get(nextSupplier.bidderId)?.name ?? null,
            supplierCode: suppliers.get(nextSupplier.bidderId)?.code ?? null,
            ...(staff
              ? { supplierId: nextSupplier.bidderId, registrationId: nextSupplier.registrationId }
              : {}),
          }
        : null,
      termStartsOn: project.termStartsOn,
      termEndsOn: project.termEndsOn,
      agreementSignedOn: evaluation?.contractSignedOn ?? null,
      admittedSuppliers: admitted.map(({ rank, price, bidderId, registrationId }) => ({
        rank,
        supplierName: suppliers.get(bidderId)?.name ?? null,
        supplierCode: suppliers.get(bidderId)?.code ?? null,
        price,
        ...(staff ? { supplierId: bidderId, registrationId } : {}),
      })),
      items: items.map((one) => toCallOffView(one, suppliers, staff)),
      total,
      totalAmount,
    };
  }

  /** contracted → closed: the agreement has run its term or is ended early; no more orders. */
  async close(staff: AuthUser, projectId: string) {
    return this.dataSource.transaction(async (manager) => {
      const project = await this.mustLock(manager, projectId);
      const next = transition(project, 'close');
      const now = await this.projects.databaseNow(manager);
      await this.projects.update(manager, projectId, { status: next });
      await this.audit.append(manager, {
        at: now,
        actorId: staff.id,
        action: 'procurement.close',
        entityType: ENTITY_TYPE,
        entityId: projectId,
        data: { from: project.status, to: next, method: project.method },
      });
      return { projectId, status: next, closedAt: now.toISOString() };
    });
  }

  private async admitted(
    manager: Parameters<ProcurementEvaluationService['admittedOf']>[0],
    projectId: string,
  ) {
    const evaluation = await this.evaluations.find(projectId, manager ?? undefined);
    if (!evaluation) return [];
    const [admitted, registrations] = await Promise.all([
      this.evaluation.admittedOf(manager, projectId, evaluation),
      this.methods.qualifiedSuppliers(manager ?? this.dataSource.manager, projectId),
    ]);
    const registrationOf = new Map(registrations.map((one) => [one.bidderId, one.registrationId]));
    return admitted.map((one) => ({ ...one, registrationId: registrationOf.get(one.bidderId) ?? null }));
  }

  /** 顺序轮候's state: the admitted in rank order, the last order's supplier, the banned now. */
  private async rotation(
    manager: Parameters<ProcurementMethodsRepository['lastCallOffSupplier']>[0],
    projectId: string,
    admitted: { bidderId: string }[],
    now: Date,
  ) {
    const banned: string[] = [];
    for (const one of admitted)
      if (await this.partyBans.isBanned(manager, one.bidderId, now)) banned.push(one.bidderId);
    return {
      admittedInOrder: admitted.map((one) => one.bidderId),
      lastSupplierId: await this.methods.lastCallOffSupplier(manager, projectId),
      unavailable: banned,
    };
  }

  private async mustLock(
    manager: Parameters<ProcurementProjectsRepository['lockById']>[0],
    projectId: string,
  ) {
    const project = await this.projects.lockById(manager, projectId);
    if (!project || project.status === 'planned')
      throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    return project;
  }
}

function transition(project: ProcurementProjectEntity, action: ProcurementAction) {
  const next = nextProcurementStatus(project.method, project.status, action);
  if (!next)
    throw new DomainError(
      'INVALID_STATE_TRANSITION',
      `cannot ${action} a ${project.method} procurement that is ${project.status}`,
      { method: project.method, status: project.status, action },
    );
  return next;
}

function toCallOffView(callOff: CallOff, suppliers: ReadonlyMap<string, PublicSupplier>, staff: boolean) {
  return {
    id: callOff.id,
    supplierName: suppliers.get(callOff.supplierId)?.name ?? null,
    supplierCode: suppliers.get(callOff.supplierId)?.code ?? null,
    title: callOff.title,
    amount: callOff.amount,
    orderedOn: callOff.orderedOn,
    dealId: callOff.dealId,
    ...(staff
      ? {
          supplierId: callOff.supplierId,
          contractSha256: callOff.contractSha256,
          clientOrderId: callOff.clientOrderId,
          recordedAt: callOff.recordedAt.toISOString(),
        }
      : {}),
  };
}
