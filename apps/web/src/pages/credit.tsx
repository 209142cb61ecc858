import { type FormEvent, useState } from 'react';
import { get, type Page, post } from '../api';
import { ErrorMessage, Loading, Table, useLoad } from '../components';
import { type MessageKey, useI18n } from '../i18n';

type SanctionKind = 'warning' | 'ban';
type SanctionReason = 'false_complaint' | 'refused_to_sign' | 'misconduct';

/** A sanction as supervisors read it (GET /api/supervision/sanctions). */
export interface Sanction {
  id: string;
  partyId: string;
  party?: { username: string; displayName: string; orgCode: string | null };
  kind: SanctionKind;
  reason: SanctionReason;
  basis: string;
  sourceRef: string | null;
  startsOn: string;
  bannedUntil: string | null;
  inForce: boolean;
  revokedOn: string | null;
  revokeReason: string | null;
}

/** One line of the public credit list (GET /api/credit-list): no account, a person masked. */
interface CreditEntry {
  party: { kind: 'organization' | 'person'; name: string; orgCode: string | null };
  kind: SanctionKind;
  reason: SanctionReason;
  basis: string;
  startsOn: string;
  bannedUntil: string | null;
  revokedOn: string | null;
  inForce: boolean;
}

const REASONS: readonly SanctionReason[] = ['misconduct', 'false_complaint', 'refused_to_sign'];
const PAGE_SIZE = 50;

function useCreditWords() {
  const { t } = useI18n();
  return {
    kind: (kind: SanctionKind) => t(`credit.kind.${kind}` as MessageKey),
    reason: (reason: SanctionReason) => t(`credit.reason.${reason}` as MessageKey),
    period: (entry: { startsOn: string; bannedUntil: string | null }) =>
      entry.bannedUntil ? `${entry.startsOn} — ${entry.bannedUntil}` : entry.startsOn,
    state: (entry: { kind: SanctionKind; inForce: boolean; revokedOn: string | null }) =>
      entry.revokedOn
        ? `${t('credit.lifted')} ${entry.revokedOn}`
        : entry.kind === 'ban'
          ? t(entry.inForce ? 'credit.inForce' : 'credit.notInForce')
          : '',
  };
}

/** The supervisor desk's credit panel: record a warning or a ban, list and lift sanctions. */
export function SanctionsPanel() {
  const { t } = useI18n();
  const [partyId, setPartyId] = useState('');
  const filter = partyId ? `&partyId=${encodeURIComponent(partyId)}` : '';
  const { data, error, reload } = useLoad(
    () => get<Page<Sanction>>(`/supervision/sanctions?limit=${PAGE_SIZE}${filter}`),
    [filter],
  );
  return (
    <section aria-labelledby="credit-heading">
      <h2 id="credit-heading">{t('credit.sanctions')}</h2>
      <RecordSanctionForm onRecorded={(party) => (setPartyId(party), reload())} />
      <p className="row">
        <label>
          {t('credit.filterParty')}{' '}
          <input value={partyId} onChange={(event) => setPartyId(event.target.value.trim())} />
        </label>
      </p>
      <ErrorMessage error={error} />
      {data ? <SanctionsTable sanctions={data.items} onChanged={reload} /> : !error && <Loading />}
    </section>
  );
}

function RecordSanctionForm({ onRecorded }: { onRecorded: (partyId: string) => void }) {
  const { t } = useI18n();
  const words = useCreditWords();
  const [username, setUsername] = useState('');
  const [party, setParty] = useState<{ id: string; displayName: string } | null>(null);
  const [kind, setKind] = useState<SanctionKind>('ban');
  const [reason, setReason] = useState<SanctionReason>('misconduct');
  const [basis, setBasis] = useState('');
  const [sourceRef, setSourceRef] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [bannedUntil, setBannedUntil] = useState('');
  const [error, setError] = useState<unknown>(null);

  const findParty = async () => {
    try {
      setParty(await get(`/supervision/parties?username=${encodeURIComponent(username.trim())}`));
      setError(null);
    } catch (failure) {
      setParty(null);
      setError(failure);
    }
  };
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!party) return;
    try {
      await post('/supervision/sanctions', {
        partyId: party.id,
        kind,
        reason,
        basis: basis.trim(),
        ...(sourceRef.trim() ? { sourceRef: sourceRef.trim() } : {}),
        ...(startsOn ? { startsOn } : {}),
        ...(kind === 'ban' && bannedUntil ? { bannedUntil } : {}),
      });
      setError(null);
      setBasis('');
      setSourceRef('');
      onRecorded(party.id);
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} data-testid="record-sanction" className="stack">
      <div className="row">
        <label>
          {t('credit.partyUsername')}{' '}
          <input
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            required
            maxLength={64}
          />
        </label>
        <button type="button" onClick={() => void findParty()}>
          {t('credit.findParty')}
        </button>
        {party && <span data-testid="found-party">{party.displayName}</span>}
      </div>
      <div className="row">
        <label>
          {t('credit.kind')}{' '}
          <select value={kind} onChange={(event) => setKind(event.target.value as SanctionKind)}>
            <option value="ban">{words.kind('ban')}</option>
            <option value="warning">{words.kind('warning')}</option>
          </select>
        </label>
        <label>
          {t('credit.reason')}{' '}
          <select value={reason} onChange={(event) => setReason(event.target.value as SanctionReason)}>
            {REASONS.map((one) => (
              <option key={one} value={one}>
                {words.reason(one)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        {t('credit.basis')}{' '}
        <input value={basis} onChange={(event) => setBasis(event.target.value)} required maxLength={500} />
      </label>
      <label>
        {t('credit.sourceRef')}{' '}
        <input value={sourceRef} onChange={(event) => setSourceRef(event.target.value)} maxLength={200} />
      </label>
      <div className="row">
        <label>
          {t('credit.startsOn')}{' '}
          <input type="date" value={startsOn} onChange={(event) => setStartsOn(event.target.value)} />
        </label>
        {kind === 'ban' && (
          <label>
            {t('credit.bannedUntil')}{' '}
            <input
              type="date"
              value={bannedUntil}
              onChange={(event) => setBannedUntil(event.target.value)}
              required
            />
          </label>
        )}
      </div>
      <button type="submit" disabled={!party}>
        {t('credit.record')}
      </button>
      <ErrorMessage error={error} />
    </form>
  );
}

function SanctionsTable({ sanctions, onChanged }: { sanctions: Sanction[]; onChanged: () => void }) {
  const { t } = useI18n();
  const words = useCreditWords();
  if (sanctions.length === 0) return <p>{t('none')}</p>;
  return (
    <Table
      testId="sanctions"
      headers={[
        t('credit.party'),
        t('credit.kind'),
        t('credit.reason'),
        t('credit.basis'),
        t('credit.period'),
        t('credit.state'),
        '',
      ]}
    >
      {sanctions.map((sanction) => (
        <tr key={sanction.id} data-sanction={sanction.id}>
          <td>
            {sanction.party?.displayName} <small>{sanction.party?.username}</small>
          </td>
          <td>{words.kind(sanction.kind)}</td>
          <td>{words.reason(sanction.reason)}</td>
          <td>{sanction.basis}</td>
          <td>{words.period(sanction)}</td>
          <td>{words.state(sanction)}</td>
          <td>{!sanction.revokedOn && <RevokeSanction id={sanction.id} onDone={onChanged} />}</td>
        </tr>
      ))}
    </Table>
  );
}

function RevokeSanction({ id, onDone }: { id: string; onDone: () => void }) {
  const { t } = useI18n();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await post(`/supervision/sanctions/${id}/revoke`, { reason: reason.trim() });
      setError(null);
      onDone();
    } catch (failure) {
      setError(failure);
    }
  };
  return (
    <form onSubmit={submit} className="row">
      {/* Named by aria-label, not a visually hidden label: an absolutely placed one inside the
          scrolling table would widen the page on a phone. */}
      <input
        aria-label={t('credit.revokeReason')}
        value={reason}
        onChange={(event) => setReason(event.target.value)}
        placeholder={t('credit.revokeReason')}
        required
        maxLength={500}
      />
      <button type="submit">{t('credit.revoke')}</button>
      <ErrorMessage error={error} />
    </form>
  );
}

/** The public credit list (信用公示): anyone, no sign-in. */
export function CreditListPage() {
  const { t } = useI18n();
  const words = useCreditWords();
  const [offset, setOffset] = useState(0);
  const { data, error } = useLoad(
    () => get<Page<CreditEntry>>(`/credit-list?limit=${PAGE_SIZE}&offset=${offset}`),
    [offset],
  );
  return (
    <section>
      <h1>{t('credit.title')}</h1>
      <p>{t('credit.explain')}</p>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table
          testId="credit-list"
          headers={[
            t('credit.party'),
            t('orgCode'),
            t('credit.kind'),
            t('credit.reason'),
            t('credit.basis'),
            t('credit.period'),
            t('credit.state'),
          ]}
        >
          {data.items.map((entry, index) => (
            <tr key={`${offset + index}`}>
              <td>{entry.party.name}</td>
              <td>{entry.party.orgCode ?? ''}</td>
              <td>{words.kind(entry.kind)}</td>
              <td>{words.reason(entry.reason)}</td>
              <td>{entry.basis}</td>
              <td>{words.period(entry)}</td>
              <td>{words.state(entry)}</td>
            </tr>
          ))}
        </Table>
      )}
      {data && data.total > PAGE_SIZE && (
        <p className="row">
          <button
            type="button"
            disabled={offset === 0}
            onClick={() => setOffset(Math.max(0, offset - PAGE_SIZE))}
          >
            {t('credit.previous')}
          </button>
          <span>
            {offset + 1}–{Math.min(offset + PAGE_SIZE, data.total)} / {data.total}
          </span>
          <button
            type="button"
            disabled={offset + PAGE_SIZE >= data.total}
            onClick={() => setOffset(offset + PAGE_SIZE)}
          >
            {t('credit.next')}
          </button>
        </p>
      )}
    </section>
  );
}
