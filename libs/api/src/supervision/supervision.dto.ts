import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { APPLICANT_TYPES, DIRECTIONS, SUPERVISION_PERIODS, TERMINAL_STAGES, type SupervisionPeriod } from '#domain';
import { SchemaFromValidators } from '../openapi/schema-from-validators.js';

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export const SUPERVISION_FORMATS = ['json', 'csv'] as const;

/** A window of whole calendar periods (UTC): from the period `from` falls in to the one `to` falls in. */
@SchemaFromValidators()
export class FlowWindowQuery {
  @ApiProperty({ enum: SUPERVISION_PERIODS, description: 'the period each cell counts (weeks are ISO weeks)' })
  @IsIn(SUPERVISION_PERIODS, { message: `period must be one of ${SUPERVISION_PERIODS.join(', ')}` })
  period!: SupervisionPeriod;

  @ApiProperty({
    example: '2026-11-01',
    description: "a day (UTC) in the first period counted; within the namespace's retention",
  })
  @Matches(DATE_PATTERN, { message: 'from must be a date, YYYY-MM-DD' })
  from!: string;

  @ApiProperty({
    example: '2026-11-30',
    description: 'a day (UTC) in the last period counted, which must have ended an hour ago or more',
  })
  @Matches(DATE_PATTERN, { message: 'to must be a date, YYYY-MM-DD' })
  to!: string;

  @ApiPropertyOptional({ enum: SUPERVISION_FORMATS, default: 'json', description: 'csv: the cells as text/csv' })
  @IsOptional()
  @IsIn(SUPERVISION_FORMATS, { message: `format must be one of ${SUPERVISION_FORMATS.join(', ')}` })
  format?: (typeof SUPERVISION_FORMATS)[number];
}

class FlowWindowDto {
  @ApiProperty({ enum: SUPERVISION_PERIODS })
  period!: SupervisionPeriod;

  @ApiProperty({ format: 'date-time', description: 'the first instant counted' })
  from!: string;

  @ApiProperty({ format: 'date-time', description: 'the instant after the last one counted' })
  until!: string;
}

class FlowReportDto {
  @ApiProperty({ type: FlowWindowDto })
  window!: FlowWindowDto;

  @ApiProperty({ description: 'cells counting fewer applications are suppressed' })
  minCellCount!: number;

  @ApiProperty({ description: 'where the figures come from' })
  source!: string;
}

/** What every cell names: the period, the lender and the direction; and whether it is withheld. */
class FlowCellDto {
  @ApiProperty({ example: '2026-11' })
  period!: string;

  @ApiProperty({ description: 'a lender of the token\'s tenants, or "*" (all lenders) for a token without' })
  tenant!: string;

  @ApiProperty({ enum: [...DIRECTIONS, 'unknown'] })
  direction!: string;

  @ApiPropertyOptional({ enum: [true], description: 'present when the cell counted fewer than minCellCount' })
  suppressed?: true;
}

class OutcomeCellDto extends FlowCellDto {
  @ApiProperty({ enum: [...APPLICANT_TYPES, 'unknown'] })
  applicantType!: string;

  @ApiProperty({ enum: TERMINAL_STAGES })
  outcome!: string;

  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'rounded to a multiple of minCellCount; null when fewer (none included)',
  })
  applications!: number | null;
}

export class OutcomeReportDto extends FlowReportDto {
  @ApiProperty({ type: [OutcomeCellDto] })
  cells!: OutcomeCellDto[];
}

class DecisionTimeCellDto extends FlowCellDto {
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'median whole hours from creation to the end of the workflow; null when too few were decided',
  })
  medianHoursToDecision!: number | null;
}

export class DecisionTimeReportDto extends FlowReportDto {
  @ApiProperty({ type: [DecisionTimeCellDto] })
  cells!: DecisionTimeCellDto[];
}
