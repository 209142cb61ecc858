import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ProcurementEvaluationService } from '@ggzy/procurement';
import { UuidPipe } from '../common.dto.js';

/**
 * 成交结果公告: what anyone may read of a procurement's award once the result is announced. A
 * controller of its own so that the read stays public (ProcurementEvaluationController's steps
 * carry a bearer requirement).
 */
@ApiTags('government procurement (政府采购)')
@Controller('procurements')
export class ProcurementResultController {
  constructor(private readonly evaluation: ProcurementEvaluationService) {}

  @Get(':id/result')
  @ApiOperation({
    summary:
      'public once announced: the winning supplier, its price (a single source: the negotiated one), the notice day, a framework agreement’s admitted suppliers and the contract (PROCUREMENT_RESULT_NOT_ANNOUNCED before)',
  })
  result(@Param('id', UuidPipe) id: string) {
    return this.evaluation.publicResult(id);
  }
}
