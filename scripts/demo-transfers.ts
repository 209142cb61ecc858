import type { DataSource, EntityManager } from 'typeorm';
import {
  addCalendarDays,
  applyDepositAction,
  BusinessCalendar,
  calendarDateInZone,
  INITIAL_AUCTION_STATUS,
  INITIAL_DEPOSIT_STATE,
  INITIAL_TRANSFER_STATUS,
  nextAuctionStatus,
  nextTransferStatus,
  resultPublicationEnd,
  type TransferAction,
  type TransferStatus,
} from '@ggzy/domain';
import {
  AuctionEntity,
  AuditLogRepository,
  BusinessCalendarRepository,
  DealsRepository,
  DepositsRepository,
  RegistrationsRepository,
  TransferProjectsRepository,
} from '@ggzy/persistence';

const MINUTE = 60_000;
const SHA = (seed: string) => seed.repeat(64).slice(0, 64);

/** The statuses a project reaches through these actions, by the lifecycle table. */
function statusAfter(actions: TransferAction[]): TransferStatus {
  return actions.reduce<TransferStatus>((status, action) => {
    const next = nextTransferStatus(status, action);
    if (!next) throw new Error(`demo: cannot ${action} from ${status}`);
    return next;
  }, INITIAL_TRANSFER_STATUS);
}

/**
 * Demo transfers: one in disclosure, one with two qualified buyers whose live auction opens a few
 * minutes after start (on the same engine and socket as leases), and on the first run one sold by
 * agreement with its deal record. Returns the live auction's project id.
 */
export async function seedDemoTransfers(
  dataSource: DataSource,
  ids: Record<string, string>,
  now: Date,
  timeZone: string,
  firstRun: boolean,
): Promise<string> {
  const projects = new TransferProjectsRepository(dataSource);
  const registrations = new RegistrationsRepository(dataSource);
  const deposits = new DepositsRepository(dataSource);
  const audit = new AuditLogRepository(dataSource);
  const calendar = new BusinessCalendar(await new BusinessCalendarRepository(dataSource).all());
  const today = calendarDateInZone(now, timeZone);
  // A year nobody entered yet: the demo falls back to calendar days rather than stop.
  const businessDaysAfter = (from: string, days: number) => {
    try {
      return calendar.addBusinessDays(from, days);
    } catch {
      return addCalendarDays(from, Math.ceil((days * 7) / 5) + 2);
    }
  };
  const year = Number(today.slice(0, 4));

  const create = (manager: EntityManager, title: string, status: TransferStatus, extra: object = {}) =>
    projects.insert(
      manager,
      {
        title,
        transferor: '南昌市东湖区国有资产运营有限公司',
        assetKind: 'equity',
        assetDescription: `${title}:注册资本 500 万元,经营正常,评估基准日净资产 1,200 万元。`,
        documents: [
          { name: '资产评估报告.pdf', sha256: SHA('a1') },
          { name: '产权登记证.pdf', sha256: SHA('b2') },
        ],
        valuation: 1_200_000_000,
        listingPrice: 1_200_000_000,
        approvalApprover: null,
        approvalDocumentSha256: null,
        buyerConditions: '依法设立并有效存续的企业法人,具有良好的财务状况和支付能力。',
        deposit: 100_000_000,
        increment: 5_000_000,
        auctionStartTime: '10:00',
        freeBiddingMinutes: 5,
        extensionSeconds: 120,
        extensionPeriods: 1,
        disclosureEndsOn: businessDaysAfter(today, 20),
        status,
        createdBy: ids.staff,
        ...extra,
      },
      year,
    );

  const qualify = async (manager: EntityManager, projectId: string, usernames: string[]) => {
    for (const [index, username] of usernames.entries()) {
      const registration = await registrations.insert(
        manager,
        { hostType: 'transfer_project', hostId: projectId },
        ids[username],
      );
      // Each registration owes the project's deposit; a qualified buyer has paid it.
      const project = (await projects.lockById(manager, projectId))!;
      const depositId = await deposits.insert(manager, {
        hostType: 'transfer_project',
        hostId: projectId,
        registrationId: registration.id,
        bidderId: ids[username],
        amount: project.deposit,
        state: INITIAL_DEPOSIT_STATE,
      });
      await deposits.step(
        manager,
        depositId,
        INITIAL_DEPOSIT_STATE,
        applyDepositAction(INITIAL_DEPOSIT_STATE, 'receive'),
        { receivedAt: now, receivedBy: ids.staff },
      );
      await registrations.update(manager, registration.id, {
        status: 'qualified',
        bidderCode: String(index + 11).padStart(6, '0'),
        depositReceivedAt: now,
        decidedBy: ids.staff,
        decidedAt: now,
      });
    }
  };

  const note = (manager: EntityManager, projectId: string, action: string, data: object) =>
    audit.append(manager, {
      at: now,
      actorId: ids.staff,
      action,
      entityType: 'transfer_project',
      entityId: projectId,
      data: { demo: true, ...data },
    });

  // Two qualified buyers; disclosure ended yesterday; the auction opens in ~4 minutes.
  const liveId = await dataSource.transaction(async (manager) => {
    const ended = addCalendarDays(today, -1);
    const project = await create(
      manager,
      '东湖区某国有商贸公司 100% 股权转让 (demo, live)',
      statusAfter(['publish', 'open_auction']),
      {
        publishedOn: addCalendarDays(today, -35),
        disclosureEndsOn: ended,
        endDecidedFor: ended,
        qualifiedBuyers: 2,
      },
    );
    await qualify(manager, project.id, ['bidder1', 'bidder2']);
    const biddingStartsAt = new Date(Math.ceil((now.getTime() + 4 * MINUTE) / 1000) * 1000);
    const freeBiddingEndsAt = new Date(biddingStartsAt.getTime() + project.freeBiddingMinutes * MINUTE);
    const repo = manager.getRepository(AuctionEntity);
    await repo.save(
      repo.create({
        id: project.id,
        hostType: 'transfer_project',
        status: nextAuctionStatus(INITIAL_AUCTION_STATUS, 'publish')!,
        startPrice: project.listingPrice,
        increment: project.increment,
        reservePrice: null,
        maxBid: Number.MAX_SAFE_INTEGER,
        allowSelfOutbid: false,
        biddingStartsAt,
        freeBiddingEndsAt,
        extensionSeconds: project.extensionSeconds,
        endsAt: new Date(freeBiddingEndsAt.getTime() + project.extensionSeconds * 1000),
        currentPrice: null,
        leaderId: null,
        bidCount: 0,
        lastSeq: 0,
        finalPrice: null,
        winnerId: null,
        closedAt: null,
        statusReason: null,
        suspendedAt: null,
      }),
    );
    await note(manager, project.id, 'transfer.open_auction', { code: project.code });
    return project.id;
  });

  if (firstRun) {
    await dataSource.transaction(async (manager) => {
      const disclosed = await create(
        manager,
        '东湖区某国有物业公司 60% 股权转让 (demo, disclosure)',
        statusAfter(['publish']),
        {
          publishedOn: today,
        },
      );
      await registrations.insert(
        manager,
        { hostType: 'transfer_project', hostId: disclosed.id },
        ids.bidder4,
      );
      await note(manager, disclosed.id, 'transfer.publish', { code: disclosed.code });

      const soldOn = addCalendarDays(today, -2);
      const sold = await create(
        manager,
        '东湖区某国有印刷厂 100% 股权转让 (demo, agreement)',
        statusAfter(['publish', 'open_agreement', 'confirm_agreement']),
        {
          publishedOn: addCalendarDays(today, -40),
          disclosureEndsOn: addCalendarDays(today, -3),
          endDecidedFor: addCalendarDays(today, -3),
          qualifiedBuyers: 1,
          finalPrice: 1_250_000_000,
          winnerId: ids.bidder3,
          dealSource: 'agreement',
          soldOn,
          resultPublishedUntil: (() => {
            try {
              return resultPublicationEnd(calendar, soldOn);
            } catch {
              return addCalendarDays(soldOn, 7);
            }
          })(),
        },
      );
      await qualify(manager, sold.id, ['bidder3']);
      await new DealsRepository(dataSource).insert(manager, {
        category: 'property_rights',
        subtype: 'transfer',
        sourceType: 'transfer_agreement',
        sourceId: sold.id,
        title: sold.title,
        amount: 1_250_000_000,
        winnerId: ids.bidder3,
        winnerName: '东湖区百花洲便利店',
        closedAt: new Date(now.getTime() - 2 * 24 * 60 * MINUTE),
      });
      await note(manager, sold.id, 'transfer.confirm_agreement', { code: sold.code, price: 1_250_000_000 });
    });
  }
  return liveId;
}
