import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import {
  isCalendarDate,
  isUnifiedSocialCreditCode,
  MAX_EMPLOYER_NAME_LENGTH,
  MAX_EXPERT_NAME_LENGTH,
  MAX_EXPERT_SPECIALTIES,
  PHONE_PATTERN,
  SPECIALTY_PATTERN,
} from '@ggzy/domain';
import { PageQuery } from '../common.dto.js';

const OrgCode = () =>
  ValidateBy({
    name: 'isUnifiedSocialCreditCode',
    validator: {
      validate: (value) => isUnifiedSocialCreditCode(value),
      defaultMessage: () =>
        '$property must be a 统一社会信用代码: 18 characters (0-9, A-Y without I O S V Z) with a valid check character',
    },
  });
const CalendarDate = () =>
  ValidateBy({
    name: 'isCalendarDate',
    validator: {
      validate: (value) => typeof value === 'string' && isCalendarDate(value),
      defaultMessage: () => '$property must be a date YYYY-MM-DD',
    },
  });
const Specialty = (options: { each?: boolean } = {}) =>
  Matches(SPECIALTY_PATTERN, {
    ...options,
    message: '$property must be specialty codes like building, municipal, cost, law, goods',
  });

const ORG_CODE_DOC = {
  description: '统一社会信用代码 of the employer (GB 32100-2015, check character verified)',
  example: '91350100M000100Y43',
  pattern: '^[0-9A-HJ-NPQRTUWXY]{18}$',
} as const;
const SPECIALTIES_DOC: ApiPropertyOptions = {
  type: [String],
  minItems: 1,
  maxItems: MAX_EXPERT_SPECIALTIES,
  example: ['building', 'cost'],
  description: 'specialty codes (lower case, 2–32 characters)',
};

export class CreateExpertDto {
  @ApiProperty({ maxLength: MAX_EXPERT_NAME_LENGTH })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_EXPERT_NAME_LENGTH)
  name!: string;

  @ApiProperty({ maxLength: MAX_EMPLOYER_NAME_LENGTH, description: "the employer's name (工作单位)" })
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_EMPLOYER_NAME_LENGTH)
  employerName!: string;

  @ApiProperty(ORG_CODE_DOC) @OrgCode() employerOrgCode!: string;

  @ApiProperty(SPECIALTIES_DOC)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXPERT_SPECIALTIES)
  @IsString({ each: true })
  @Specialty({ each: true })
  specialties!: string[];

  @ApiPropertyOptional({ default: true, description: 'false: not drawn until set back' })
  @IsOptional()
  @IsBoolean()
  available?: boolean;

  @ApiPropertyOptional({
    example: '2026-12-31',
    description: 'the last day away (CENTRE_TZ); not drawn until after it',
  })
  @IsOptional()
  @CalendarDate()
  unavailableUntil?: string;

  @ApiPropertyOptional({
    description: 'shown to staff only; never public, never logged',
    example: '13800138000',
  })
  @IsOptional()
  @IsString()
  @Matches(PHONE_PATTERN, {
    message: '$property must be a phone number (digits, spaces, hyphens, optional +)',
  })
  phone?: string;
}

/** Staff change availability, employer, specialties and phone; `null` clears the absence or the phone. */
export class UpdateExpertDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() available?: boolean;

  @ApiPropertyOptional({ example: '2026-12-31', nullable: true, description: 'null: no stated absence' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @CalendarDate()
  unavailableUntil?: string | null;

  @ApiPropertyOptional({ maxLength: MAX_EMPLOYER_NAME_LENGTH })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_EMPLOYER_NAME_LENGTH)
  employerName?: string;

  @ApiPropertyOptional(ORG_CODE_DOC) @IsOptional() @OrgCode() employerOrgCode?: string;

  @ApiPropertyOptional(SPECIALTIES_DOC)
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXPERT_SPECIALTIES)
  @IsString({ each: true })
  @Specialty({ each: true })
  specialties?: string[];

  @ApiPropertyOptional({ nullable: true, description: 'null: removes the phone' })
  @ValidateIf((_, value) => value !== undefined && value !== null)
  @IsString()
  @Matches(PHONE_PATTERN, {
    message: '$property must be a phone number (digits, spaces, hyphens, optional +)',
  })
  phone?: string | null;
}

export class ListExpertsQuery extends PageQuery {
  @ApiPropertyOptional({ example: 'building' })
  @IsOptional()
  @IsString()
  @Specialty()
  specialty?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: drawable today; false: all others' })
  @IsOptional()
  @IsIn(['true', 'false'])
  available?: 'true' | 'false';
}
