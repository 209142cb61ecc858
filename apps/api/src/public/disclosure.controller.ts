import { Controller, Get, Header, Param, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { DisclosureService, FEED_SIZE } from '@ggzy/supervision';
import { UuidPipe } from '../common.dto.js';
import { AnnouncementsQuery, PublicDealsQuery } from './disclosure.dto.js';

/**
 * The public disclosure (公开): no sign-in. Announcements of every line (notices, amendments,
 * clarifications, opening records, candidates' publicity, results, terminations), their Atom
 * feed, and deals with their public fields only (the winner by its code, never a name or an id).
 */
@ApiTags('public')
@Controller('public')
export class DisclosureController {
  constructor(private readonly disclosure: DisclosureService) {}

  @Get('announcements')
  @ApiOperation({
    summary:
      'announcements of every line, newest first → {items, total, nextCursor}; q matches the project title or code; cursor pages by keyset',
  })
  list(@Query() query: AnnouncementsQuery) {
    return this.disclosure.list(query);
  }

  @Get('announcements/:id')
  @ApiOperation({ summary: 'one announcement (404 ANNOUNCEMENT_NOT_FOUND)' })
  get(@Param('id', UuidPipe) id: string) {
    return this.disclosure.get(id);
  }

  @Get('feed.atom')
  @Header('Content-Type', 'application/atom+xml; charset=utf-8')
  @ApiProduces('application/atom+xml')
  @ApiOperation({ summary: `an Atom 1.0 feed of the newest ${FEED_SIZE} announcements` })
  feed(@Req() request: Request) {
    return this.disclosure.feed(`${request.protocol}://${request.get('host') ?? 'localhost'}`);
  }

  @Get('deals')
  @ApiOperation({ summary: 'deals, newest first: category, title, amount, date and the winner’s code' })
  deals(@Query() query: PublicDealsQuery) {
    return this.disclosure.deals(query);
  }
}
