import { Body, Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@ggzy/auth';
import { MAX_IMPORT_ROWS } from '@ggzy/domain';
import { DealImportService, IMPORT_FILE_MAX_BYTES } from '@ggzy/reports';
import { ImportDealsDto } from './deals.dto.js';

@ApiTags('deals')
@ApiBearerAuth()
@Controller('deals/import')
@Roles('staff')
export class DealsImportController {
  constructor(private readonly imports: DealImportService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: `Historical deals, at most ${MAX_IMPORT_ROWS} a call; idempotent on externalRef`,
    description:
      'All or nothing: any bad row → 400 IMPORT_ROWS_INVALID with details.errors [{row, field, code, message}] ' +
      '(row 1 is the first deal). More rows → 413 IMPORT_TOO_LARGE. Answers {received, created, unchanged}.',
  })
  importJson(@CurrentUser() staff: AuthUser, @Body() body: ImportDealsDto) {
    return this.imports.importRows(body.deals, staff.id, 'json');
  }

  @Post('file')
  @HttpCode(200)
  @ApiOperation({
    summary: 'The same import from a CSV (UTF-8) or XLSX spreadsheet with a header row',
    description:
      'Headers in Chinese or English: 类别/category, 子类/subtype, 项目名称/title, 成交金额(元)/amountYuan or ' +
      '成交金额(分)/amount, 成交单位/winnerName, 成交时间/closedAt (a time without zone is CENTRE_TZ), ' +
      '外部编号/externalRef. Row numbers in errors are the sheet rows (the header is row 1).',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @UseInterceptors(
    FileInterceptor('file', { limits: { fileSize: IMPORT_FILE_MAX_BYTES, files: 1, fields: 5 } }),
  )
  importFile(
    @CurrentUser() staff: AuthUser,
    @UploadedFile() file?: { buffer: Buffer; originalname: string; mimetype: string },
  ) {
    return this.imports.importFile(file, staff.id);
  }
}
