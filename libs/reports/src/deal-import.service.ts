import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { createRequire } from 'node:module';
import { Readable, type Transform } from 'node:stream';
import { isUtf8 } from 'node:buffer';
import { parse as parseCsv } from 'csv-parse';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  DomainError,
  type ImportedDeal,
  type ImportField,
  importFieldForHeader,
  MAX_IMPORT_CELL_CHARS,
  MAX_IMPORT_ROWS,
  validateDealImport,
} from '@ggzy/domain';
import { AuditLogRepository, DealsRepository, FeesRepository, type ImportResult } from '@ggzy/persistence';

export const IMPORT_FILE_MAX_BYTES = 8 * 1024 * 1024;
/** 10,000 rows of real deals unpack to a few megabytes; this leaves room and stops zip bombs. */
export const IMPORT_UNPACKED_MAX_BYTES = 64 * 1024 * 1024;

// ExcelJS reads zips with unzipper; counting with the same reader sees the same entries. Both are
// required on first use: they cost every process that never reads a spreadsheet ~1 s of start-up.
const requireLazily = createRequire(import.meta.url);
const unzipper = () =>
  requireLazily('unzipper') as {
    Parse(options: { forceStream: true }): Transform;
  };

export type ImportSource = 'json' | 'csv' | 'xlsx';

interface SheetRows {
  headers: string[];
  /** Each data row with the number a spreadsheet shows for it (the header is row 1). */
  rows: { number: number; cells: unknown[] }[];
}

/** Historical deals from JSON or from the spreadsheets staff keep; all or nothing. */
@Injectable()
export class DealImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly deals: DealsRepository,
    private readonly audit: AuditLogRepository,
    private readonly fees: FeesRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async importRows(
    rows: readonly unknown[],
    actorId: string | null,
    source: ImportSource = 'json',
    rowNumbers?: readonly number[],
  ): Promise<ImportResult> {
    if (rows.length > MAX_IMPORT_ROWS) {
      throw new DomainError(
        'IMPORT_TOO_LARGE',
        `at most ${MAX_IMPORT_ROWS} deals a call; got ${rows.length}`,
        {
          limit: MAX_IMPORT_ROWS,
          received: rows.length,
        },
      );
    }
    const { deals, errors } = validateDealImport(rows, {
      timeZone: this.config.CENTRE_TZ,
      now: new Date(),
      rowNumbers,
    });
    if (errors.length) {
      throw new DomainError(
        'IMPORT_ROWS_INVALID',
        `${errors.length} problems in the deals; nothing was imported`,
        {
          errors,
        },
      );
    }
    const result = await this.dataSource.transaction(async (manager) => {
      await this.checkStatedFees(manager, deals, rowNumbers);
      const counts = await this.deals.importMany(manager, deals);
      if (counts.created > 0) {
        await this.audit.append(manager, {
          at: new Date(),
          actorId,
          action: 'deals.imported',
          entityType: 'deal_import',
          entityId: randomUUID(),
          data: { source, ...counts },
        });
      }
      return counts;
    });
    this.logger.info({ source, ...result }, 'deals imported');
    return result;
  }

  /**
   * A fee an old record states must be the one the schedule in force on the deal's day gives
   * (no other charge is ever recorded): every row that differs is listed, and nothing is imported.
   */
  private async checkStatedFees(
    manager: EntityManager,
    deals: readonly ImportedDeal[],
    rowNumbers?: readonly number[],
  ): Promise<void> {
    const stated = deals.flatMap((deal, index) =>
      deal.fee === null || deal.fee === undefined
        ? []
        : [{ deal, fee: deal.fee, row: rowNumbers?.[index] ?? index + 1 }],
    );
    if (stated.length === 0) return;
    const schedules = await this.fees.listSchedules(undefined, manager);
    const computed = this.fees.feesFor(
      schedules,
      stated.map(({ deal }, index) => ({ ...deal, dealId: String(index) })),
    );
    const problems = stated.map(({ deal, fee, row }, index) => ({
      row,
      externalRef: deal.externalRef,
      line: computed[index].line,
      dealOn: computed[index].dealOn,
      stated: fee,
      expected: computed[index].fee?.amount ?? null,
      scheduleId: computed[index].fee?.scheduleId ?? null,
    }));
    const missing = problems.filter((problem) => problem.scheduleId === null);
    if (missing.length > 0)
      throw new DomainError(
        'FEE_SCHEDULE_MISSING',
        `${missing.length} deals state a fee but no schedule of their line was in force on their day; nothing was imported`,
        { rows: missing },
      );
    const differing = problems.filter((problem) => problem.expected !== problem.stated);
    if (differing.length > 0)
      throw new DomainError(
        'FEE_NOT_IN_SCHEDULE',
        `${differing.length} deals state a fee other than the schedule's; nothing was imported`,
        { rows: differing },
      );
  }

  /** A CSV (UTF-8, BOM or not) or XLSX file with a header row, Chinese or English headers. */
  async importFile(
    file: UploadedSheet | undefined,
    actorId: string,
  ): Promise<ImportResult & { ignoredColumns: string[] }> {
    const sheet = await readDealFile(file);
    const result = await this.importRows(sheet.rows, actorId, sheet.source, sheet.rowNumbers);
    return { ...result, ignoredColumns: sheet.ignoredColumns };
  }
}

export interface UploadedSheet {
  buffer: Buffer;
  originalname: string;
  mimetype: string;
}

/** The deal rows of a spreadsheet, as import records, with the sheet's own row numbers. */
export async function readDealFile(file: UploadedSheet | undefined): Promise<{
  source: 'csv' | 'xlsx';
  rows: Record<string, unknown>[];
  /** the sheet's number for each row (the header is row 1; blank rows are skipped) */
  rowNumbers: number[];
  ignoredColumns: string[];
}> {
  if (!file)
    throw new DomainError('INVALID_IMPORT_FILE', 'send the spreadsheet as the multipart field "file"');
  const source = fileKind(file.originalname, file.buffer);
  const sheet = source === 'csv' ? await readCsv(file.buffer) : await readXlsx(file.buffer);
  const fields = sheet.headers.map((header) => importFieldForHeader(header));
  const repeated = [...new Set(fields.filter((field, index) => field && fields.indexOf(field) !== index))];
  if (repeated.length) {
    // Two columns for one field (项目编号 and externalRef): which one is meant cannot be guessed.
    const duplicateHeaders = sheet.headers.filter((_, index) => repeated.includes(fields[index]));
    throw new DomainError(
      'INVALID_IMPORT_FILE',
      `more than one column names the same field: ${duplicateHeaders.join(', ')}`,
      { duplicateFields: repeated, duplicateHeaders },
    );
  }
  const missing = (['category', 'title', 'winnerName', 'closedAt', 'externalRef'] as ImportField[]).filter(
    (field) => !fields.includes(field),
  );
  if (!fields.includes('amount') && !fields.includes('amountYuan')) missing.push('amount');
  if (missing.length) {
    throw new DomainError('INVALID_IMPORT_FILE', `the header row lacks: ${missing.join(', ')}`, { missing });
  }
  const rows = sheet.rows.map((row) => {
    const record: Record<string, unknown> = {};
    fields.forEach((field, index) => {
      if (field) record[field] = cellText(row.cells[index]);
    });
    return record;
  });
  if (rows.length === 0) throw new DomainError('INVALID_IMPORT_FILE', 'the file has no deal rows');
  return {
    source,
    rows,
    rowNumbers: sheet.rows.map((row) => row.number),
    ignoredColumns: sheet.headers.filter((_, index) => !fields[index]),
  };
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

/** The extension names the kind and the content must be that kind: a renamed .exe is neither. */
function fileKind(name: string, content: Buffer): 'csv' | 'xlsx' {
  const lower = name.toLowerCase();
  if (lower.endsWith('.xlsx')) {
    if (!content.subarray(0, 4).equals(ZIP_MAGIC))
      throw new DomainError('INVALID_IMPORT_FILE', 'the .xlsx file is not an XLSX (zip) file');
    return 'xlsx';
  }
  if (lower.endsWith('.csv')) {
    if (content.includes(0) || !isUtf8(content))
      throw new DomainError('INVALID_IMPORT_FILE', 'the .csv file is not UTF-8 text');
    return 'csv';
  }
  throw new DomainError('INVALID_IMPORT_FILE', 'send a .csv or .xlsx file');
}

function cellTooLong(row: number, column: number | null): never {
  throw new DomainError(
    'IMPORT_CELL_TOO_LONG',
    `row ${row}${column === null ? '' : `, column ${column}`}: a cell holds at most ${MAX_IMPORT_CELL_CHARS} characters`,
    { row, column, limit: MAX_IMPORT_CELL_CHARS },
  );
}

/** Stops at the first row past the limit or the first cell past its length: nothing more is read. */
function checkRow(rowNumber: number, cells: unknown[], dataRows: number): void {
  if (dataRows > MAX_IMPORT_ROWS) {
    throw new DomainError('IMPORT_TOO_LARGE', `at most ${MAX_IMPORT_ROWS} deals a call; the file has more`, {
      limit: MAX_IMPORT_ROWS,
      receivedAtLeast: dataRows,
    });
  }
  cells.forEach((cell, index) => {
    const value = cellText(cell);
    if (value !== undefined && value.length > MAX_IMPORT_CELL_CHARS) cellTooLong(rowNumber, index + 1);
  });
}

async function readCsv(buffer: Buffer): Promise<SheetRows> {
  const parser = Readable.from([buffer]).pipe(
    parseCsv({
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
      // A record is a few cells: this bounds what the parser buffers before a cell can be checked.
      max_record_size: MAX_IMPORT_CELL_CHARS * 32,
    }),
  );
  let headers: string[] | undefined;
  const rows: SheetRows['rows'] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      // `lines` is the line a record ends on: the row number a spreadsheet shows for it.
      checkRow(info.lines, record, rows.length + (headers ? 1 : 0));
      if (!headers) headers = record;
      else rows.push({ number: info.lines, cells: record });
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if ((error as { code?: string }).code === 'CSV_MAX_RECORD_SIZE') cellTooLong(rows.length + 2, null);
    throw new DomainError(
      'INVALID_IMPORT_FILE',
      `the CSV cannot be read: ${(error as Error).message.slice(0, 200)}`,
    );
  } finally {
    parser.destroy();
  }
  return { headers: headers ?? [], rows };
}

async function readXlsx(buffer: Buffer): Promise<SheetRows> {
  await checkUnpackedSize(buffer);
  const input = Readable.from([buffer]);
  const { default: Excel } = await import('exceljs');
  const reader = new Excel.stream.xlsx.WorkbookReader(input, {
    worksheets: 'emit',
    sharedStrings: 'cache',
    // Styles tell date cells from numbers.
    styles: 'cache',
    hyperlinks: 'ignore',
    entries: 'ignore',
  });
  let headers: string[] | undefined;
  let width = 0;
  const rows: SheetRows['rows'] = [];
  try {
    for await (const sheet of reader) {
      for await (const row of sheet) {
        if (!headers) {
          width = row.cellCount;
          headers = Array.from({ length: width }, (_, index) =>
            String(cellText(row.getCell(index + 1).value) ?? ''),
          );
          checkRow(row.number, headers, 0);
          continue;
        }
        const cells = Array.from({ length: width }, (_, index) => row.getCell(index + 1).value);
        if (!cells.some((cell) => cellText(cell) !== undefined)) continue;
        rows.push({ number: row.number, cells });
        checkRow(row.number, cells, rows.length);
      }
      break; // the first sheet only
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError('INVALID_IMPORT_FILE', 'the XLSX file cannot be read');
  } finally {
    input.destroy();
  }
  if (!headers) throw new DomainError('INVALID_IMPORT_FILE', 'the XLSX file has no sheet');
  return { headers, rows };
}

/**
 * A few kilobytes of zip can unpack to gigabytes: every entry is inflated once here, counting
 * bytes and throwing them away, and the file is refused once the count passes the limit.
 */
async function checkUnpackedSize(buffer: Buffer): Promise<void> {
  const zip = Readable.from([buffer]).pipe(unzipper().Parse({ forceStream: true }));
  let total = 0;
  try {
    for await (const entry of zip as AsyncIterable<Readable>) {
      for await (const chunk of entry) {
        total += (chunk as Buffer).length;
        if (total > IMPORT_UNPACKED_MAX_BYTES) {
          throw new DomainError(
            'IMPORT_UNPACKED_TOO_LARGE',
            `the XLSX file unpacks to more than ${IMPORT_UNPACKED_MAX_BYTES} bytes`,
            { limit: IMPORT_UNPACKED_MAX_BYTES },
          );
        }
      }
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw new DomainError('INVALID_IMPORT_FILE', 'the XLSX file cannot be read');
  } finally {
    zip.destroy();
  }
}

/** Cell values as text; dates (wall-clock, no zone, as Excel keeps them) as `YYYY-MM-DD HH:mm:ss`. */
function cellText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ');
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim();
  if (typeof value === 'number') return String(value);
  if (typeof value === 'object') {
    const object = value as { result?: unknown; richText?: { text: string }[]; text?: string };
    if (object.richText) return object.richText.map((part) => part.text).join('');
    if ('result' in object) return cellText(object.result);
    if (typeof object.text === 'string') return object.text;
  }
  return undefined;
}
