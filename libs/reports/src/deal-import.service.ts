import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, LOGGER, type Logger } from '@ggzy/common';
import {
  DomainError,
  type ImportField,
  importFieldForHeader,
  MAX_IMPORT_ROWS,
  validateDealImport,
} from '@ggzy/domain';
import { AuditLogRepository, DealsRepository, type ImportResult } from '@ggzy/persistence';

export const IMPORT_FILE_MAX_BYTES = 8 * 1024 * 1024;

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
  const source = fileKind(file.originalname, file.mimetype);
  const sheet = source === 'csv' ? readCsv(file.buffer) : await readXlsx(file.buffer);
  const fields = sheet.headers.map((header) => importFieldForHeader(header));
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

function fileKind(name: string, mimetype: string): 'csv' | 'xlsx' {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv') || mimetype === 'text/csv') return 'csv';
  if (
    lower.endsWith('.xlsx') ||
    mimetype === 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
  )
    return 'xlsx';
  throw new DomainError('INVALID_IMPORT_FILE', 'send a .csv or .xlsx file');
}

function readCsv(buffer: Buffer): SheetRows {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(buffer, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new DomainError(
      'INVALID_IMPORT_FILE',
      `the CSV cannot be read: ${(error as Error).message.slice(0, 200)}`,
    );
  }
  const [header, ...rows] = records;
  if (rows.length > MAX_IMPORT_ROWS) tooLarge(rows.length);
  // `lines` is the line a record ends on: the row number a spreadsheet shows for it.
  return {
    headers: header?.record ?? [],
    rows: rows.map(({ record, info }) => ({ number: info.lines, cells: record })),
  };
}

async function readXlsx(buffer: Buffer): Promise<SheetRows> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new DomainError('INVALID_IMPORT_FILE', 'the XLSX file cannot be read');
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new DomainError('INVALID_IMPORT_FILE', 'the XLSX file has no sheet');
  if (sheet.actualRowCount - 1 > MAX_IMPORT_ROWS) tooLarge(sheet.actualRowCount - 1);
  const headerRow = sheet.getRow(1);
  const width = headerRow.cellCount;
  const headers = Array.from({ length: width }, (_, index) =>
    String(cellText(headerRow.getCell(index + 1).value) ?? ''),
  );
  const rows: SheetRows['rows'] = [];
  sheet.eachRow((row, number) => {
    if (number === 1) return;
    const cells = Array.from({ length: width }, (_, index) => row.getCell(index + 1).value);
    if (cells.some((cell) => cellText(cell) !== undefined)) rows.push({ number, cells });
  });
  return { headers, rows };
}

function tooLarge(count: number): never {
  throw new DomainError('IMPORT_TOO_LARGE', `at most ${MAX_IMPORT_ROWS} deals a call; got ${count}`, {
    limit: MAX_IMPORT_ROWS,
    received: count,
  });
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
