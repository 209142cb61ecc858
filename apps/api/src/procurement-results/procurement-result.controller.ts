import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DomainError, type ProcurementStatus } from '@ggzy/domain';
import { ProcurementEvaluationRepository, ProcurementProjectsRepository } from '@ggzy/persistence';
import { procurementHost } from '@ggzy/procurement';
import { SealedBidsService } from '@ggzy/sealed-bids';
import { UuidPipe } from '../common.dto.js';
import { toPublicProcurementResult } from './procurement-result.view.js';

/** From the result notice on (a suspension after it keeps the result public). */
const RESULT_PUBLIC = new Set<ProcurementStatus>(['awarded', 'contracted', 'closed', 'suspended']);

/**
 * 成交结果公告: what anyone may read of a procurement's award once the result is announced — the
 * winning supplier and its price, the notice's day, the contract once signed. Read-only; the
 * steps that make it are ProcurementEvaluationController's.
 */
@ApiTags('government procurement (政府采购)')
@Controller('procurements')
export class ProcurementResultController {
  constructor(
    private readonly projects: ProcurementProjectsRepository,
    private readonly evaluations: ProcurementEvaluationRepository,
    private readonly sealedBids: SealedBidsService,
  ) {}

  @Get(':id/result')
  @ApiOperation({
    summary:
      'public once announced: the winning supplier, its price, the notice day and the contract (PROCUREMENT_RESULT_NOT_ANNOUNCED before)',
  })
  async result(@Param('id', UuidPipe) id: string) {
    const project = await this.projects.findById(id);
    if (!project || project.status === 'planned')
      throw new DomainError('LISTING_NOT_FOUND', 'no such procurement');
    const evaluation = await this.evaluations.find(id);
    // A suspension before the notice must not reveal the decision: the notice's day decides.
    if (!RESULT_PUBLIC.has(project.status) || !evaluation?.awardNoticeOn)
      throw new DomainError('PROCUREMENT_RESULT_NOT_ANNOUNCED', 'the result is not announced yet');
    const opening = await this.sealedBids.opening(null, procurementHost(id));
    return toPublicProcurementResult(id, evaluation, opening?.bids ?? []);
  }
}
