import { Controller, Get, Param, type PipeTransform, Query, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError, isSupportedDate } from '@ggzy/domain';
import { OpenDataService } from '@ggzy/supervision';
import { OcdsPageQuery, OcdsReleasesQuery } from './open-data.dto.js';

/** An ocid's form (`ocds-` prefix, 6 characters, `-`, the project code); anything else is refused. */
class OcidPipe implements PipeTransform<unknown, string> {
  transform(value: unknown): string {
    if (typeof value !== 'string' || !/^ocds-[a-z0-9]{6}-[A-Za-z0-9-]{1,40}$/.test(value))
      throw new DomainError('VALIDATION_FAILED', 'not an ocid', [
        { field: 'ocid', rule: 'ocds-, 6 letters or digits, -, then the project code' },
      ]);
    return value;
  }
}

class YearPipe implements PipeTransform<unknown, number> {
  transform(value: unknown): number {
    // The global ValidationPipe may already have made the path's text a number.
    const text = typeof value === 'number' || typeof value === 'string' ? String(value) : '';
    const year = /^\d{4}$/.test(text) ? Number(text) : NaN;
    if (!Number.isInteger(year) || !isSupportedDate(`${year}-01-01`))
      throw new DomainError('VALIDATION_FAILED', 'not a supported year', [
        { field: 'year', rule: 'a year YYYY' },
      ]);
    return year;
  }
}

/** The bulk download's reader went away: nothing more is read or written. */
class ClientGone extends Error {}

/** True once the response drains, false if it closes first (the client disconnected). */
function drainedOrClosed(response: Response): Promise<boolean> {
  if (response.destroyed || response.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    const drained = () => {
      response.off('close', closed);
      resolve(true);
    };
    const closed = () => {
      response.off('drain', drained);
      resolve(false);
    };
    response.once('drain', drained);
    response.once('close', closed);
  });
}

const origin = (request: Request) => `${request.protocol}://${request.get('host') ?? 'localhost'}`;

/**
 * Open data (OCDS 1.1): every published process as release and record packages, no sign-in.
 * Lists page by process (each process with all its releases); `total` counts processes.
 */
@ApiTags('public')
@Controller('ocds')
export class OpenDataController {
  constructor(private readonly openData: OpenDataService) {}

  @Get('releases')
  @ApiOperation({
    summary: 'a release package: the releases of a page of processes (`since` filters release dates)',
  })
  releases(@Req() request: Request, @Query() query: OcdsReleasesQuery) {
    return this.openData.releases(origin(request), query);
  }

  @Get('releases/:ocid')
  @ApiOperation({
    summary: "a release package of one process's releases (404 NOT_FOUND: unknown or a draft)",
  })
  releasesOf(@Req() request: Request, @Param('ocid', OcidPipe) ocid: string) {
    return this.openData.releasesOf(origin(request), ocid);
  }

  @Get('records')
  @ApiOperation({ summary: 'a record package: per process its releases and its compiled release' })
  records(@Req() request: Request, @Query() query: OcdsPageQuery) {
    return this.openData.records(origin(request), query);
  }

  @Get('records/:ocid')
  @ApiOperation({ summary: 'a record package of one process (404 NOT_FOUND: unknown or a draft)' })
  recordOf(@Req() request: Request, @Param('ocid', OcidPipe) ocid: string) {
    return this.openData.recordOf(origin(request), ocid);
  }

  @Get('bulk/:year')
  @ApiOperation({
    summary:
      'every release of the processes announced in the year (CENTRE_TZ), one release package, streamed',
  })
  async bulk(@Req() request: Request, @Res() response: Response, @Param('year', YearPipe) year: number) {
    let started = false;
    let gone = false;
    response.once('close', () => {
      gone = true;
    });
    const write = async (chunk: string) => {
      if (gone) throw new ClientGone();
      if (!started) {
        response.status(200).type('application/json');
        started = true;
      }
      // Back-pressure: a slow reader holds the next page's read, not the memory of the whole year;
      // a reader that goes away ends the download (a drain would never come).
      if (!response.write(chunk) && !(await drainedOrClosed(response))) throw new ClientGone();
    };
    try {
      const any = await this.openData.bulk(origin(request), year, write);
      if (!any) throw new DomainError('NOT_FOUND', `no process was announced in ${year}`);
      response.end();
    } catch (error) {
      if (error instanceof ClientGone) return;
      throw error;
    }
  }
}
