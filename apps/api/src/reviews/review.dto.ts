import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ID_PATTERN } from '../../../../libs/domain/src/index.js';
import { MoneyDto } from '../applications/application.dto.js';

export const REVIEW_OUTCOMES = ['approve', 'decline', 'request-new-report'] as const;

/** A reviewer's decision on a claimed task. Which fields apply depends on the outcome. */
export class ReviewDecisionDto {
  @ApiProperty({ enum: REVIEW_OUTCOMES })
  @IsIn(REVIEW_OUTCOMES)
  outcome!: (typeof REVIEW_OUTCOMES)[number];

  @ApiPropertyOptional({ type: MoneyDto, description: 'required to approve' })
  @ValidateIf((dto: ReviewDecisionDto) => dto.outcome === 'approve' || dto.recommendedLimit !== undefined)
  @IsDefined({ message: 'recommendedLimit is required to approve' })
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => MoneyDto)
  recommendedLimit?: MoneyDto;

  @ApiPropertyOptional({ example: ['insufficient-income'], description: 'required to decline' })
  @ValidateIf((dto: ReviewDecisionDto) => dto.outcome === 'decline' || dto.reasonCodes !== undefined)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @Matches(/^[a-z0-9][a-z0-9-]{0,39}$/, { each: true, message: 'each reason code must be a code of a-z 0-9 -' })
  reasonCodes?: string[];

  @ApiPropertyOptional({ maxLength: 2000, description: 'kept with the application, encrypted in its history' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  notes?: string;
}

export class ReviewTaskParams {
  @Matches(ID_PATTERN, { message: 'tenant must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  tenant!: string;

  @Matches(ID_PATTERN, { message: 'applicationId must be 1-64 characters of A-Z a-z 0-9 _ . : -' })
  applicationId!: string;
}

export class InboxQuery {
  @ApiPropertyOptional({ example: 'HK-senior' })
  @IsOptional()
  @Matches(/^[A-Z]{2,3}-(standard|senior)$/, { message: 'queue must look like HK-standard or HK-senior' })
  queue?: string;

  @ApiPropertyOptional({ example: 'HK' })
  @IsOptional()
  @Matches(/^[A-Z]{2,3}$/, { message: 'jurisdiction must be 2-3 capital letters' })
  jurisdiction?: string;
}
