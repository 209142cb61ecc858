import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { CommitteeDrawDto } from '../evaluation.dto.js';

export {
  AwardDto as AwardDecisionDto,
  BidRejectionDto,
  AwardContractDto,
  EvaluatedPricesDto,
  EvaluationReportDto,
} from '../evaluation.dto.js';

export class ProcurementCommitteeDrawDto extends CommitteeDrawDto {
  @ApiPropertyOptional({
    default: false,
    description: '技术复杂 or 社会影响较大: a procurement tender’s committee then has ≥ 7 members',
  })
  @IsOptional()
  @IsBoolean()
  complexOrHighProfile?: boolean;
}
