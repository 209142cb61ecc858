import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CommitteeDrawDto, Sha256 } from '../evaluation.dto.js';
import { FEN_PROPERTY } from '../common.dto.js';

export { MemberScoresDto } from '../tender-projects/tender-evaluation.dto.js';

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

export class NegotiationRecordDto {
  @ApiProperty({
    ...FEN_PROPERTY,
    minimum: 1,
    description: 'the price agreed with the supplier (≤ the budget), fen',
  })
  @IsInt({ message: '$property must be a whole number of fen' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  price!: number;

  @ApiProperty({ description: 'SHA-256 of the negotiation record (协商情况记录) every negotiator signed' })
  @Sha256()
  negotiationRecordSha256!: string;
}
