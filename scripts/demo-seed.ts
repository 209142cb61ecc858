import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource } from 'typeorm';
import {
  applyDepositAction,
  closeOutcome,
  INITIAL_AUCTION_STATUS,
  INITIAL_DEPOSIT_STATE,
  initialEndsAt,
  leaseOnSiteNotBefore,
  minNextBid,
  nextAuctionStatus,
  validateDealImport,
} from '@ggzy/domain';

/** What publishing a draft makes of it, as the lifecycle table says. */
const PUBLISHED = nextAuctionStatus(INITIAL_AUCTION_STATUS, 'publish')!;
import {
  AuctionsRepository,
  AuditLogRepository,
  DealsRepository,
  DepositsRepository,
  type ImportResult,
  LeaseListingsRepository,
  OnSiteAuctionsRepository,
  RegistrationsRepository,
  type Role,
  UsersRepository,
} from '@ggzy/persistence';
import { PasswordHasher } from '@ggzy/auth';
import { readDealFile } from '@ggzy/reports';
import { OnSiteAuctionService } from '@ggzy/auction';
import { LeaseAuctionHost } from '@ggzy/leasing';
import type { ProcurementScheduler } from '@ggzy/queues';
import { seedDemoTransfers } from './demo-transfers.js';
import { seedDemoTenderHistory, seedDemoTenders } from './demo-tenders.js';
import { seedDemoProcurements } from './demo-procurements.js';
import { demoServices } from './demo-services.js';

export interface DemoAccount {
  username: string;
  password: string;
  roles: Role[];
  displayName: string;
}

const ACCOUNTS: Omit<DemoAccount, 'password'>[] = [
  { username: 'staff', roles: ['staff'], displayName: '东湖区公共资源交易中心 · 业务科' },
  { username: 'supervisor', roles: ['supervisor'], displayName: '东湖区公共资源交易监督管理办公室' },
  { username: 'admin', roles: ['admin'], displayName: '平台管理员' },
  { username: 'bidder1', roles: ['bidder'], displayName: '南昌青山湖商贸有限公司' },
  { username: 'bidder2', roles: ['bidder'], displayName: '江西赣江餐饮管理有限公司' },
  { username: 'bidder3', roles: ['bidder'], displayName: '东湖区百花洲便利店' },
  { username: 'bidder4', roles: ['bidder'], displayName: '南昌滕王阁文化传播有限公司' },
];

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Demo data: accounts (fresh passwords each start, printed), a live lease auction that
 * opens a few minutes from now, two closed ones, one sold on site, transfers (in disclosure, a live auction a few
 * minutes away, one sold by agreement), and historical deals for the reports.
 */
export async function seedDemo(
  dataSource: DataSource,
  now = new Date(),
  timeZone = 'Asia/Shanghai',
  sealedBidKeys?: string,
  /** The platform's procurement queue: the demo procurements' openings are scheduled on it. */
  procurementScheduler?: ProcurementScheduler,
): Promise<{
  accounts: DemoAccount[];
  liveListingId: string;
  liveTransferId: string;
  liveTenderId: string | null;
  /** Seeded on the first run only (null afterwards, or without the installation's key). */
  tenderHistory: { inPublicityId: string; awardedId: string } | null;
  procurements: { openTenderId: string; negotiationId: string } | null;
}> {
  const users = new UsersRepository(dataSource);
  const listings = new LeaseListingsRepository(dataSource);
  const registrations = new RegistrationsRepository(dataSource);
  const deposits = new DepositsRepository(dataSource);
  const leaseHost = (hostId: string) => ({ hostType: 'lease_listing' as const, hostId });
  const audit = new AuditLogRepository(dataSource);
  const hasher = new PasswordHasher();

  const accounts: DemoAccount[] = [];
  const ids: Record<string, string> = {};
  let firstRun = false;
  for (const account of ACCOUNTS) {
    const password = randomBytes(6).toString('base64url');
    const passwordHash = await hasher.hash(password);
    const existing = await users.findByUsername(account.username);
    if (existing) {
      await users.setPassword(existing.id, passwordHash);
      ids[account.username] = existing.id;
    } else {
      firstRun = true;
      ids[account.username] = (await users.create({ ...account, passwordHash })).id;
    }
    accounts.push({ ...account, password });
  }

  const qualifiedBidders = ['bidder1', 'bidder2', 'bidder3'];
  const createListing = async (
    title: string,
    biddingStartsAt: Date,
    extra: { reservePrice?: number; startPrice: number; increment: number; leaseTermMonths: number },
  ) =>
    dataSource.transaction(async (manager) => {
      const terms = {
        title,
        address: `南昌市东湖区${title.split(' ')[0]}`,
        areaSqm: 86.5,
        usage: '商业',
        deposit: 2_000_000,
        reservePrice: extra.reservePrice ?? null,
        startPrice: extra.startPrice,
        increment: extra.increment,
        leaseTermMonths: extra.leaseTermMonths,
        registrationStartsAt: new Date(biddingStartsAt.getTime() - 7 * 24 * 60 * MINUTE),
        registrationEndsAt: new Date(Math.max(biddingStartsAt.getTime() - MINUTE, now.getTime() + MINUTE)),
        biddingStartsAt,
        freeBiddingEndsAt: new Date(biddingStartsAt.getTime() + 5 * MINUTE),
        extensionSeconds: 120,
        createdBy: ids.staff,
      };
      if (terms.registrationEndsAt > biddingStartsAt) terms.registrationEndsAt = biddingStartsAt;
      const listing = await listings.insertDraft(
        manager,
        { ...terms, endsAt: initialEndsAt(terms) },
        now.getUTCFullYear(),
      );
      await listings.update(manager, listing.id, {
        status: PUBLISHED,
        // Its notice went public when its registration opened (an on-site auction counts from it).
        publishedAt: terms.registrationStartsAt,
        qualifiedCount: qualifiedBidders.length,
      });
      for (const [index, username] of qualifiedBidders.entries()) {
        const registration = await registrations.insert(manager, leaseHost(listing.id), ids[username]);
        // Each registration owes the listing's deposit; the qualified ones have paid it.
        const depositId = await deposits.insert(manager, {
          ...leaseHost(listing.id),
          registrationId: registration.id,
          bidderId: ids[username],
          amount: terms.deposit,
          state: INITIAL_DEPOSIT_STATE,
        });
        await deposits.step(
          manager,
          depositId,
          INITIAL_DEPOSIT_STATE,
          applyDepositAction(INITIAL_DEPOSIT_STATE, 'receive'),
          {
            receivedAt: now,
            receivedBy: ids.staff,
          },
        );
        await registrations.update(manager, registration.id, {
          status: 'qualified',
          bidderCode: String(index + 1).padStart(4, '0'),
          depositReceivedAt: now,
          decidedBy: ids.staff,
          decidedAt: now,
        });
      }
      const pending = await registrations.insert(manager, leaseHost(listing.id), ids.bidder4);
      await deposits.insert(manager, {
        ...leaseHost(listing.id),
        registrationId: pending.id,
        bidderId: ids.bidder4,
        amount: terms.deposit,
        state: INITIAL_DEPOSIT_STATE,
      });
      await audit.append(manager, {
        at: now,
        actorId: ids.staff,
        action: 'listing.published',
        entityType: 'lease_listing',
        entityId: listing.id,
        data: { demo: true, code: listing.code },
      });
      return { ...listing, ...terms };
    });

  const live = await createListing(
    '八一大道 358 号 1 楼店面 (demo, live)',
    new Date(now.getTime() + 3 * MINUTE),
    {
      startPrice: 800_000,
      increment: 10_000,
      leaseTermMonths: 36,
    },
  );

  if (firstRun) {
    // Closed auctions: one sold after a few bids, one unsold (流拍) below its reserve.
    const past = new Date(now.getTime() - 3 * 24 * 60 * MINUTE);
    const sold = await createListing('叠山路 112 号 临街店面 (demo, sold)', past, {
      startPrice: 500_000,
      increment: 5_000,
      leaseTermMonths: 24,
    });
    const unsold = await createListing('福州路 26 号 2 楼办公用房 (demo, unsold)', past, {
      startPrice: 300_000,
      increment: 5_000,
      leaseTermMonths: 12,
      reservePrice: 400_000,
    });
    // No reserve: sold. One bid below the reserve: 流拍.
    const host = demoLeaseHost(dataSource, listings, timeZone);
    await closeWithBids(dataSource, host, sold, ['bidder1', 'bidder2', 'bidder1', 'bidder3'], ids);
    await closeWithBids(dataSource, host, unsold, ['bidder2'], ids);
    // 现场拍租: one sold on site yesterday, before its online bidding (tomorrow) could open.
    const onSite = await createListing(
      '胜利路 46 号 1 楼店面 (demo, on-site)',
      new Date(now.getTime() + DAY),
      {
        startPrice: 600_000,
        increment: 10_000,
        leaseTermMonths: 36,
      },
    );
    await recordOnSite(dataSource, host, onSite, ids, now, timeZone);
  }
  const liveTransferId = await seedDemoTransfers(dataSource, ids, now, timeZone, firstRun);
  // A tender whose sealed bids are opened a few minutes after start (sealed with this installation's key).
  const liveTenderId = sealedBidKeys
    ? await seedDemoTenders(dataSource, ids, now, timeZone, sealedBidKeys)
    : null;
  // Tenders evaluated before the start: one with its candidates in publicity, one contracted.
  const tenderHistory =
    firstRun && sealedBidKeys
      ? await seedDemoTenderHistory(dataSource, ids, now, timeZone, sealedBidKeys)
      : null;
  const procurements =
    firstRun && sealedBidKeys && procurementScheduler
      ? await seedDemoProcurements(dataSource, ids, now, timeZone, sealedBidKeys, procurementScheduler)
      : null;
  await importHistoricalDeals(dataSource, ids.staff, timeZone);
  return { accounts, liveListingId: live.id, liveTransferId, liveTenderId, tenderHistory, procurements };
}

/**
 * An on-site auction of `listing` held yesterday, recorded as staff record one (the on-site
 * service: checked by the rules, the auction closed sold, the deal `on_site_auction`, the
 * deposits settled). Its notice had run the 7 days the rules need, its registration closed.
 */
async function recordOnSite(
  dataSource: DataSource,
  host: LeaseAuctionHost,
  listing: { id: string; startPrice: number },
  ids: Record<string, string>,
  now: Date,
  timeZone: string,
) {
  const heldAt = new Date(now.getTime() - DAY);
  const publishedAt = new Date(heldAt.getTime() - 8 * DAY);
  const registrationEndsAt = new Date(heldAt.getTime() - 60 * MINUTE);
  const listings = new LeaseListingsRepository(dataSource);
  const audit = new AuditLogRepository(dataSource);
  const onSite = new OnSiteAuctionService(
    new AuctionsRepository(dataSource),
    new OnSiteAuctionsRepository(),
    audit,
    demoServices(dataSource, timeZone).partyBans,
    [host],
  );
  await dataSource.transaction(async (manager) => {
    await listings.update(manager, listing.id, {
      publishedAt,
      registrationStartsAt: publishedAt,
      registrationEndsAt,
    });
    await onSite.record(
      manager,
      ids.staff,
      {
        hostType: 'lease_listing',
        hostId: listing.id,
        startPrice: listing.startPrice,
        reservePrice: null,
        notBefore: leaseOnSiteNotBefore({ publishedAt, registrationEndsAt }),
      },
      {
        auctioneer: '李四（拍卖师证 0002）',
        place: '东湖区公共资源交易中心 3 楼拍卖厅',
        heldAt,
        presentBidderIds: [ids.bidder1, ids.bidder2, ids.bidder3],
        outcome: 'sold',
        hammerPrice: listing.startPrice + 50_000,
        winnerId: ids.bidder2,
        recordFileName: '现场拍租笔录 (demo).pdf',
        recordFileSha256: createHash('sha256').update(`demo on-site record ${listing.id}`).digest('hex'),
      },
    );
  });
}

/** The lease host as the worker has it: the deal, and the deposits settled at the close. */
function demoLeaseHost(dataSource: DataSource, listings: LeaseListingsRepository, timeZone: string) {
  return new LeaseAuctionHost(listings, demoServices(dataSource, timeZone).deposits);
}

async function closeWithBids(
  dataSource: DataSource,
  host: LeaseAuctionHost,
  listing: Awaited<ReturnType<LeaseListingsRepository['insertDraft']>>,
  bidders: string[],
  ids: Record<string, string>,
) {
  const auctions = new AuctionsRepository(dataSource);
  await dataSource.transaction(async (manager) => {
    let price: number | null = null;
    const endsAt = listing.endsAt;
    for (const [index, username] of bidders.entries()) {
      const amount = minNextBid({
        currentPrice: price,
        startPrice: listing.startPrice,
        increment: listing.increment,
      });
      const at = new Date(listing.biddingStartsAt.getTime() + (index + 1) * MINUTE);
      const code = String(['bidder1', 'bidder2', 'bidder3'].indexOf(username) + 1).padStart(4, '0');
      price = amount;
      await auctions.appendHistoricalBid(
        manager,
        {
          auctionId: listing.id,
          bidderId: ids[username],
          clientBidId: `demo-${index}`,
          amount,
          seq: index + 1,
          bidderCode: code,
          at,
          endsAt,
          minNextBid: amount + listing.increment,
          bidCount: index + 1,
        },
        // Published above: its history's bids move it as an accepted bid does.
        nextAuctionStatus(PUBLISHED, 'accept_bid')!,
        {
          at,
          actorId: ids[username],
          action: 'bid.accepted',
          entityType: 'lease_listing',
          entityId: listing.id,
          data: { demo: true, seq: index + 1, amount },
        },
      );
    }
    // Close by the same rules and the same write as the worker.
    const context = (await auctions.lockForClose(manager, listing.id))!;
    const result = closeOutcome(context.auction);
    const audit = {
      at: endsAt,
      actorId: null,
      action: 'auction.closed',
      entityType: 'lease_listing',
      entityId: listing.id,
    };
    if (result.status === 'sold') {
      const deal = await host.dealFor(manager, {
        auctionId: listing.id,
        finalPrice: result.finalPrice,
        winnerId: result.winnerId,
      });
      await auctions.closeMany(
        manager,
        [
          {
            auctionId: listing.id,
            status: nextAuctionStatus(context.auction.status, 'close_sold')!,
            closedAt: endsAt,
            sold: {
              finalPrice: result.finalPrice,
              winnerId: result.winnerId,
              deal,
              winnerName: context.leaderName ?? result.winnerId,
            },
          },
        ],
        [{ ...audit, data: { demo: true, ...result, dealAmount: deal.amount } }],
      );
      await host.closed(manager, {
        auctionId: listing.id,
        closedAt: endsAt,
        databaseNow: context.databaseNow,
        status: 'sold',
        finalPrice: result.finalPrice,
        winnerId: result.winnerId,
      });
    } else {
      await auctions.closeMany(
        manager,
        [
          {
            auctionId: listing.id,
            status: nextAuctionStatus(context.auction.status, 'close_unsold')!,
            closedAt: endsAt,
            unsold: { reason: result.reason },
          },
        ],
        [{ ...audit, data: { demo: true, ...result } }],
      );
      await host.closed(manager, {
        auctionId: listing.id,
        closedAt: endsAt,
        databaseNow: context.databaseNow,
        status: 'unsold',
        reason: result.reason,
      });
    }
  });
}

/** Where the demo's data files are, from the sources (tests) or from dist/scripts (npm start). */
function demoDataFile(name: string): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, 'demo-data', name), join(here, '..', '..', 'scripts', 'demo-data', name)];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`demo data ${name} not found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * The centre's January–May 2018 deals (26 projects: construction 13 / 464.94万元, procurement
 * 5 / 134.95万元, property rights 8 / 546.97万元), loaded through the import's own reader,
 * validator and writer: idempotent on externalRef, so a second `--demo` adds nothing.
 */
export async function importHistoricalDeals(
  dataSource: DataSource,
  actorId: string | null,
  timeZone: string,
): Promise<ImportResult> {
  const path = demoDataFile('deals-2018.csv');
  const sheet = await readDealFile({ buffer: readFileSync(path), originalname: path, mimetype: 'text/csv' });
  const { deals, errors } = validateDealImport(sheet.rows, {
    timeZone,
    now: new Date(),
    rowNumbers: sheet.rowNumbers,
  });
  if (errors.length) throw new Error(`demo data ${path} has problems: ${JSON.stringify(errors)}`);
  const repository = new DealsRepository(dataSource);
  const audit = new AuditLogRepository(dataSource);
  return dataSource.transaction(async (manager) => {
    const result = await repository.importMany(manager, deals);
    if (result.created > 0) {
      await audit.append(manager, {
        at: new Date(),
        actorId,
        action: 'deals.imported',
        entityType: 'deal_import',
        entityId: randomUUID(),
        data: { source: 'demo', ...result },
      });
    }
    return result;
  });
}
