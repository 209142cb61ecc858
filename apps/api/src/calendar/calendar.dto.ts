import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsInt, IsString, Max, Min } from 'class-validator';

export class CalendarYearBody {
  @ApiProperty({ type: [String], example: ['2027-01-01'], description: 'days off (YYYY-MM-DD)' })
  @IsArray()
  @ArrayMaxSize(366)
  @IsString({ each: true })
  holidays!: string[];

  @ApiProperty({ type: [String], example: ['2027-02-06'], description: 'weekend days worked (调休上班)' })
  @IsArray()
  @ArrayMaxSize(120)
  @IsString({ each: true })
  workdays!: string[];
}

export class DeadlineQuery {
  @ApiProperty({ example: '2026-01-30', description: 'the calendar date the period starts after' })
  @IsString()
  from!: string;

  @ApiProperty({ example: 20, minimum: 0, maximum: 1000 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1000)
  businessDays!: number;
}
