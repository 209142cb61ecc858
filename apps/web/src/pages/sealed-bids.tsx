import { type FormEvent, useState } from 'react';
import { api, type DepositState, get, type Page, post, put } from '../api';
import { hasRole, useApp } from '../app-context';
import { DepositCell, ErrorMessage, Link, Loading, Money, Table, Time, useLoad } from '../components';
import { type MessageKey, useI18n } from '../i18n';
import { parseYuan } from '../money';

/**
 * What construction tenders and government procurement share (the API's sealed-bid and
 * registration views are the same for both): a supplier's application, its sealed bid or
 * response, and the opening record.
 */
export interface SupplierRegistration {
  id: string;
  projectId: string;
  bidderId: string;
  organizationCode: string;
  /** The registered name staff confirmed when they qualified it: how the public names the supplier. */
  organizationName: string | null;
  /** The applying account's display name (staff's list only): what staff check the name against. */
  accountName?: string;
  status: 'pending' | 'qualified' | 'rejected';
  bidderCode: string | null;
  rejectReason: string | null;
  depositReceivedAt: string | null;
  depositState: DepositState | null;
}

export interface BidReceipt {
  projectId: string;
  bidId: string;
  version: number;
  status: 'submitted' | 'withdrawn';
  submittedAt: string;
  withdrawnAt: string | null;
  sealSha256: string;
}

/** /me/tender-bids and /me/procurement-responses: the receipt, and the price once opened. */
export interface OwnSealedBid {
  projectId: string;
  registrationStatus: SupplierRegistration['status'];
  bid: BidReceipt | null;
  opened: { price: number | null; valid: boolean; invalidReason: string | null } | null;
}

export interface OpeningRecord {
  openedAt: string;
  submittedCount: number;
  validCount: number;
  bids: {
    /** The supplier's 统一社会信用代码: the public record names no account. */
    supplierCode: string | null;
    /** The organisation's registered name (its code when none is on record). */
    supplierName?: string | null;
    price: number | null;
    documents: { name: string; sha256: string }[];
    submittedAt: string;
    sealSha256: string;
    valid: boolean;
    invalidReason: string | null;
  }[];
}

/** The SHA-256 of a file, computed in the browser: the file itself is never uploaded. */
export async function sha256Of(file: File): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** 开标记录: every supplier and price, public once opened; `base` is /tenders/:id or /procurements/:id. */
export function OpeningRecordSection({ base }: { base: string }) {
  const { t } = useI18n();
  const { data, error } = useLoad(() => get<OpeningRecord>(`${base}/opening-record`), [base]);
  return (
    <section aria-labelledby="opening-heading">
      <h2 id="opening-heading">{t('openingRecord')}</h2>
      <ErrorMessage error={error} />
      {data && (
        <>
          <p>
            {t('openedAt')}: <Time iso={data.openedAt} seconds /> · {t('validBids')}: {data.validCount} /{' '}
            {data.submittedCount}
          </p>
          <Table headers={[t('supplier'), t('bidPrice'), t('validity')]} testId="opening-record">
            {data.bids.map((bid) => (
              <tr key={bid.sealSha256} data-valid={bid.valid}>
                <td>
                  {bid.supplierName && bid.supplierName !== bid.supplierCode
                    ? `${bid.supplierName} ${bid.supplierCode ?? ''}`.trim()
                    : (bid.supplierCode ?? '—')}
                </td>
                <td>
                  <Money fen={bid.price} />
                </td>
                <td>{bid.valid ? t('validBid') : t('invalidBid')}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </section>
  );
}

/** The words a page uses for its sealed offers (投标 for tenders, 响应 for procurement). */
export interface SealedBidTerms {
  apply: MessageKey;
  mine: MessageKey;
  seal: MessageKey;
  replace: MessageKey;
  withdraw: MessageKey;
  price: MessageKey;
  file: MessageKey;
  sealed: MessageKey;
  withdrawn: MessageKey;
}

export const TENDER_TERMS: SealedBidTerms = {
  apply: 'tenderApply',
  mine: 'myTenderBid',
  seal: 'sealBid',
  replace: 'replaceBid',
  withdraw: 'withdrawBid',
  price: 'bidPrice',
  file: 'bidFile',
  sealed: 'bidSealed',
  withdrawn: 'bidWithdrawn',
};

/** Where one kind of project keeps a supplier's things. */
export interface SupplierPaths {
  /** /tenders/:id or /procurements/:id */
  base: string;
  /** PUT/DELETE here: /tenders/:id/bid or /procurements/:id/response */
  sealed: string;
  myRegistrations: string;
  mySealed: string;
}

/**
 * A supplier applies with its organisation's code; once qualified (and while `sealable`), it
 * seals its bid or response here. `open`: the project takes applications now.
 */
export function SupplierBox({
  paths,
  terms,
  deposit,
  open,
  sealable,
  awardedBidId,
  onChange,
}: {
  paths: SupplierPaths;
  terms: SealedBidTerms;
  deposit: number;
  open: boolean;
  sealable: boolean;
  /** The winning bid once the award is public: the supplier sees whether it is its own. */
  awardedBidId?: string | null;
  onChange: () => void;
}) {
  const { t } = useI18n();
  const { session } = useApp();
  const isBidder = hasRole(session, 'bidder');
  const projectId = paths.base.split('/').pop();
  const { data: mine, reload } = useLoad(
    () =>
      isBidder
        ? Promise.all([
            get<Page<SupplierRegistration>>(`${paths.myRegistrations}?limit=1000`),
            get<Page<OwnSealedBid>>(`${paths.mySealed}?limit=1000`),
          ]).then(([registrations, bids]) => ({
            registration: registrations.items.find((item) => item.projectId === projectId),
            bid: bids.items.find((item) => item.projectId === projectId),
          }))
        : Promise.resolve(undefined),
    [isBidder, paths.base],
  );
  const [error, setError] = useState<unknown>(null);
  if (!session)
    return open ? (
      <p>
        <Link to={`/login?next=${paths.base}`}>{t('signInToApply')}</Link>
      </p>
    ) : null;
  if (!isBidder || !mine) return null;
  const { registration, bid } = mine;
  if (!registration) {
    if (!open) return null;
    const apply = async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const organizationCode = String(new FormData(event.currentTarget).get('organizationCode') ?? '')
        .trim()
        .toUpperCase();
      try {
        await post(`${paths.base}/registrations`, { organizationCode });
        setError(null);
        reload();
      } catch (failure) {
        setError(failure);
      }
    };
    return (
      <form onSubmit={apply} className="panel" aria-label={t(terms.apply)}>
        <p>
          {t('deposit')} <Money fen={deposit} />
        </p>
        <label>
          {t('organizationCode')}
          <input name="organizationCode" required minLength={18} maxLength={18} autoComplete="off" />
        </label>
        <button type="submit">{t(terms.apply)}</button>
        <ErrorMessage error={error} />
      </form>
    );
  }
  return (
    <section className="panel" aria-labelledby="my-sealed-heading">
      <h2 id="my-sealed-heading">{t(terms.mine)}</h2>
      <p data-testid="my-registration" data-status={registration.status}>
        {t(`reg.${registration.status}` as const)}
        {registration.rejectReason ? ` · ${registration.rejectReason}` : ''} ·{' '}
        <DepositCell state={registration.depositState} receivedAt={registration.depositReceivedAt} />
      </p>
      {bid?.bid && (
        <p data-testid="bid-receipt" data-status={bid.bid.status}>
          {t(bid.bid.status === 'submitted' ? terms.sealed : terms.withdrawn)} · {t('bidVersion')}{' '}
          {bid.bid.version} · <Time iso={bid.bid.submittedAt} seconds />
          <br />
          {t('sealSha256')}: <code className="hash">{bid.bid.sealSha256}</code>
        </p>
      )}
      {bid?.opened && (
        <p data-testid="my-opened-price" data-valid={bid.opened.valid}>
          {t(terms.price)}: <Money fen={bid.opened.price} /> · <OpenedValidity opened={bid.opened} />
        </p>
      )}
      {bid && <Outcome item={bid} awardedBidId={awardedBidId} testId="my-outcome" />}
      {registration.status === 'qualified' && sealable && (
        <SealedBidForm
          path={paths.sealed}
          terms={terms}
          hasBid={bid?.bid?.status === 'submitted'}
          onDone={() => {
            reload();
            onChange();
          }}
        />
      )}
    </section>
  );
}

/** After the opening: valid, or invalid with the reason the opening recorded. */
function OpenedValidity({ opened }: { opened: NonNullable<OwnSealedBid['opened']> }) {
  const { t } = useI18n();
  return (
    <span data-testid="my-validity">
      {opened.valid
        ? t('validBid')
        : `${t('invalidBid')}${opened.invalidReason ? ` · ${opened.invalidReason}` : ''}`}
    </span>
  );
}

type OutcomeKind = 'won' | 'lost' | 'invalid';

/** Own result: an invalid bid is out at the opening; once the award is public, won or not. */
function outcomeOf(item: OwnSealedBid, awardedBidId: string | null | undefined): OutcomeKind | null {
  if (item.opened && !item.opened.valid) return 'invalid';
  if (!awardedBidId || !item.opened) return null;
  return item.bid?.bidId === awardedBidId ? 'won' : 'lost';
}

function Outcome({
  item,
  awardedBidId,
  testId,
}: {
  item: OwnSealedBid;
  awardedBidId: string | null | undefined;
  testId?: string;
}) {
  const { t } = useI18n();
  const outcome = outcomeOf(item, awardedBidId);
  if (!outcome) return testId ? null : <>—</>;
  const text = t(`outcome.${outcome}` as const);
  return testId ? (
    <p data-testid={testId} data-outcome={outcome}>
      {t('myOutcome')}: {text}
    </p>
  ) : (
    <span data-outcome={outcome}>{text}</span>
  );
}

/** The price in 元 and the file; only the file's SHA-256 leaves the browser, sealed with the price. */
function SealedBidForm({
  path,
  terms,
  hasBid,
  onDone,
}: {
  path: string;
  terms: SealedBidTerms;
  hasBid: boolean;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const price = parseYuan(String(form.get('price') ?? ''));
    const file = form.get('bidFile');
    setBusy(true);
    try {
      const documents =
        file instanceof File && file.size > 0 ? [{ name: file.name, sha256: await sha256Of(file) }] : [];
      await put(path, { price, documents });
      setError(null);
      (event.target as HTMLFormElement).reset();
      onDone();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  const withdraw = async () => {
    try {
      await api('DELETE', path);
      setError(null);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} aria-label={t(terms.seal)}>
      <p>{t('sealedExplain')}</p>
      <label>
        {t(terms.price)} ({t('yuan')})
        <input name="price" inputMode="decimal" required autoComplete="off" />
      </label>
      <label>
        {t(terms.file)}
        <input name="bidFile" type="file" />
      </label>
      <div className="row">
        <button type="submit" disabled={busy}>
          {hasBid ? t(terms.replace) : t(terms.seal)}
        </button>
        {hasBid && (
          <button type="button" className="secondary" onClick={withdraw}>
            {t(terms.withdraw)}
          </button>
        )}
      </div>
      <ErrorMessage error={error} />
    </form>
  );
}

/** 我的报名's part for one kind of project: applications, receipts and the opened price. */
export function MySealedBids({
  mySealed,
  base,
  terms,
  heading,
  testId,
  statusText,
  awardedBidIdOf,
}: {
  mySealed: string;
  /** /tenders or /procurements: where each project's page (and title) is. */
  base: string;
  terms: SealedBidTerms;
  heading: MessageKey;
  testId: string;
  /** The project's status in words. */
  statusText: (status: string) => MessageKey;
  /** The winning bid once the project's award is public (null before). */
  awardedBidIdOf: (project: { id: string; status: string }) => Promise<string | null>;
}) {
  const { t } = useI18n();
  const { data, error } = useLoad(async () => {
    const page = await get<Page<OwnSealedBid>>(`${mySealed}?limit=1000`);
    const projects = await Promise.all(
      page.items.map(async (item) => {
        try {
          const project = await get<{ id: string; title: string; status: string }>(
            `${base}/${item.projectId}`,
          );
          return { ...project, awardedBidId: item.opened ? await awardedBidIdOf(project) : null };
        } catch {
          return { id: item.projectId, title: item.projectId, status: null, awardedBidId: null };
        }
      }),
    );
    return page.items.map((item, index) => ({ ...item, project: projects[index] }));
  }, [mySealed, base]);
  return (
    <section aria-labelledby={`${testId}-heading`}>
      <h2 id={`${testId}-heading`}>{t(heading)}</h2>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.length === 0 && <p>{t('none')}</p>}
      {data && data.length > 0 && (
        <Table
          headers={[
            t('tenderTitle'),
            t('projectStatus'),
            t('status'),
            t(terms.mine),
            t(terms.price),
            t('validity'),
            t('myOutcome'),
          ]}
          testId={testId}
        >
          {data.map((item) => (
            <tr key={item.projectId} data-project-id={item.projectId}>
              <td>
                <Link to={`${base}/${item.projectId}`}>{item.project.title}</Link>
              </td>
              <td>{item.project.status ? t(statusText(item.project.status)) : '—'}</td>
              <td>{t(`reg.${item.registrationStatus}` as const)}</td>
              <td>{item.bid ? t(item.bid.status === 'submitted' ? terms.sealed : terms.withdrawn) : '—'}</td>
              <td>{item.opened ? <Money fen={item.opened.price} /> : '—'}</td>
              <td>{item.opened ? <OpenedValidity opened={item.opened} /> : '—'}</td>
              <td>
                <Outcome item={item} awardedBidId={item.project.awardedBidId} />
              </td>
            </tr>
          ))}
        </Table>
      )}
    </section>
  );
}
