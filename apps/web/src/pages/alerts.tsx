import { type FormEvent, useState } from 'react';
import { get, type Page, post } from '../api';
import { ErrorMessage, Loading, Money, RequireRole, Table, Time, useLoad } from '../components';
import { type MessageKey, useI18n } from '../i18n';

type AlertState = 'open' | 'acknowledged' | 'dismissed' | 'escalated';
const STATES: readonly AlertState[] = ['open', 'acknowledged', 'dismissed', 'escalated'];
const PAGE_SIZE = 50;

/** An alert as the desk lists it (GET /api/alerts); its evidence comes with the one read. */
interface Alert {
  id: string;
  ruleId: string;
  title: string;
  processType: string;
  processId: string;
  raisedAt: string;
  state: AlertState;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  evidence?: Record<string, unknown>;
}

interface Rule {
  ruleId: string;
  title: string;
  thresholds: Record<string, number>;
}

/** The supervisor's early-warning desk (预警): filter the alerts, read one's evidence, decide it. */
export function AlertsPage() {
  const { t } = useI18n();
  return (
    <section aria-labelledby="alerts-heading">
      <h1 id="alerts-heading">{t('alerts.title')}</h1>
      <p>{t('alerts.explain')}</p>
      <RequireRole roles={['supervisor']}>
        <AlertsDesk />
      </RequireRole>
    </section>
  );
}

function AlertsDesk() {
  const { t } = useI18n();
  const [ruleId, setRuleId] = useState('');
  const [state, setState] = useState('');
  const [processId, setProcessId] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const rules = useLoad(() => get<Rule[]>('/alerts/rules'), []);
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (ruleId) query.set('ruleId', ruleId);
  if (state) query.set('state', state);
  if (processId) query.set('processId', processId);
  const { data, error, reload } = useLoad(() => get<Page<Alert>>(`/alerts?${query}`), [query.toString()]);
  return (
    <>
      <form className="row" data-testid="alert-filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('alerts.rule')}{' '}
          <select value={ruleId} onChange={(event) => setRuleId(event.target.value)}>
            <option value="">{t('alerts.all')}</option>
            {rules.data?.map((rule) => (
              <option key={rule.ruleId} value={rule.ruleId}>
                {rule.title}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.state')}{' '}
          <select value={state} onChange={(event) => setState(event.target.value)}>
            <option value="">{t('alerts.all')}</option>
            {STATES.map((one) => (
              <option key={one} value={one}>
                {t(`alerts.state.${one}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('alerts.processId')}{' '}
          <input
            value={processId}
            onChange={(event) => setProcessId(event.target.value.trim().toLowerCase())}
            maxLength={36}
          />
        </label>
      </form>
      <ErrorMessage error={error} />
      {!data && !error && <Loading />}
      {data && data.items.length === 0 && <p>{t('none')}</p>}
      {data && data.items.length > 0 && (
        <Table
          testId="alerts"
          headers={[t('alerts.rule'), t('alerts.process'), t('alerts.raisedAt'), t('alerts.state'), '']}
        >
          {data.items.map((alert) => (
            <tr key={alert.id} data-alert={alert.id} data-rule={alert.ruleId}>
              <td>{alert.title}</td>
              <td>
                {t(`alerts.processType.${alert.processType}` as MessageKey)} <small>{alert.processId}</small>
              </td>
              <td>
                <Time iso={alert.raisedAt} />
              </td>
              <td>{t(`alerts.state.${alert.state}` as MessageKey)}</td>
              <td>
                <button type="button" onClick={() => setSelected(alert.id)}>
                  {t('alerts.view')}
                </button>
              </td>
            </tr>
          ))}
        </Table>
      )}
      {selected && <AlertDetail key={selected} id={selected} onChanged={reload} />}
      {rules.data && <RulesInForce rules={rules.data} />}
    </>
  );
}

/** Every rule with the thresholds in force (the district's EARLY_WARNING_* settings). */
function RulesInForce({ rules }: { rules: Rule[] }) {
  const { t } = useI18n();
  return (
    <details className="panel" data-testid="alert-rules">
      <summary>{t('alerts.rules')}</summary>
      <Table headers={[t('alerts.rule'), t('alerts.thresholds')]}>
        {rules.map((rule) => (
          <tr key={rule.ruleId} data-rule={rule.ruleId}>
            <td>{rule.title}</td>
            <td>
              {Object.entries(rule.thresholds).map(([name, value]) => (
                <span key={name} className="threshold" data-threshold={name}>
                  {t(`alerts.threshold.${name}` as MessageKey)}:{' '}
                  {name === 'openTenderThreshold' ? <Money fen={value} /> : value}{' '}
                </span>
              ))}
            </td>
          </tr>
        ))}
      </Table>
    </details>
  );
}

function AlertDetail({ id, onChanged }: { id: string; onChanged: () => void }) {
  const { t } = useI18n();
  const { data, error, reload } = useLoad(() => get<Alert>(`/alerts/${id}`), [id]);
  const [text, setText] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const act = async (action: 'acknowledge' | 'dismiss' | 'escalate') => {
    try {
      const body =
        action === 'dismiss' ? { reason: text.trim() } : action === 'escalate' ? { note: text.trim() } : {};
      await post(`/alerts/${id}/${action}`, body);
      setFailure(null);
      setText('');
      reload();
      onChanged();
    } catch (problem) {
      setFailure(problem);
    }
  };
  const submit = (action: 'dismiss' | 'escalate') => (event: FormEvent) => {
    event.preventDefault();
    void act(action);
  };
  if (error) return <ErrorMessage error={error} />;
  if (!data) return <Loading />;
  const undecided = data.state === 'open' || data.state === 'acknowledged';
  return (
    <section aria-labelledby="alert-heading" data-testid="alert-detail" data-state={data.state}>
      <h2 id="alert-heading">{data.title}</h2>
      <dl>
        <dt>{t('alerts.state')}</dt>
        <dd data-testid="alert-state">{t(`alerts.state.${data.state}` as MessageKey)}</dd>
        <dt>{t('alerts.process')}</dt>
        <dd>
          {t(`alerts.processType.${data.processType}` as MessageKey)} {data.processId}
        </dd>
        <dt>{t('alerts.raisedAt')}</dt>
        <dd>
          <Time iso={data.raisedAt} />
        </dd>
        {data.reason && (
          <>
            <dt>{t(data.state === 'escalated' ? 'alerts.note' : 'alerts.reason')}</dt>
            <dd>{data.reason}</dd>
          </>
        )}
      </dl>
      <h3>{t('alerts.evidence')}</h3>
      <pre className="evidence" data-testid="alert-evidence">
        {JSON.stringify(data.evidence, null, 2)}
      </pre>
      {undecided && (
        <div className="stack">
          {data.state === 'open' && (
            <button type="button" onClick={() => void act('acknowledge')}>
              {t('alerts.acknowledge')}
            </button>
          )}
          <form className="row" onSubmit={submit('dismiss')}>
            <input
              aria-label={t('alerts.reasonOrNote')}
              placeholder={t('alerts.reasonOrNote')}
              value={text}
              onChange={(event) => setText(event.target.value)}
              maxLength={1000}
              required
            />
            <button type="submit">{t('alerts.dismiss')}</button>
            <button type="button" onClick={() => text.trim() && void act('escalate')}>
              {t('alerts.escalate')}
            </button>
          </form>
        </div>
      )}
      <ErrorMessage error={failure} />
    </section>
  );
}
