import { lazy, type ReactElement, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { type RuntimeConfig, setApiToken } from './api';
import { AppContext, type AppState, hasRole, type Session } from './app-context';
import { I18nContext, type Lang, makeI18n } from './i18n';
import { Link, Loading } from './components';
import { ListingsPage, ResultsPage } from './pages/listings';
import { ListingPage } from './pages/listing';
import { LoginPage, RegisterPage } from './pages/account';
import { MyRegistrationsPage } from './pages/mine';
import { StaffConsole, StaffListingPage } from './pages/staff';
import { SupervisorDesk, SupervisorListingPage } from './pages/supervisor';
import { CreditListPage } from './pages/credit';
import { FeeSchedulesPage } from './pages/fees';
import { QueuesLink } from './pages/queues';
import { CalendarPage } from './pages/calendar';
import { DepositsPage } from './pages/deposits';
import { TransferPage, TransfersPage } from './pages/transfers';
import { StaffTransferPage, StaffTransfersPage } from './pages/transfers-staff';
import { TenderPage, TendersPage } from './pages/tenders';
import { StaffTenderPage, StaffTendersPage } from './pages/tenders-staff';
import { ProcurementPage, ProcurementsPage } from './pages/procurements';
import { AnnouncementPage, AnnouncementsPage } from './pages/announcements';
import { AlertsPage } from './pages/alerts';
import { StaffProcurementPage, StaffProcurementsPage } from './pages/procurements-staff';
import {
  ComplaintDecisionsPage,
  ComplaintPage,
  ComplaintsDeskPage,
  MyComplaintsPage,
} from './pages/complaints';

// The report pages are their own chunk: loaded only when one is opened.
const ReportsPage = lazy(() => import('./pages/reports').then((m) => ({ default: m.ReportsPage })));
const StatisticsPage = lazy(() => import('./pages/reports').then((m) => ({ default: m.StatisticsPage })));

const SESSION_KEY = 'ggzy.session';
const LANG_KEY = 'ggzy.lang';

function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(SESSION_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

function route(path: string): ReactElement {
  let match: RegExpExecArray | null;
  if (path === '/' || path === '/listings') return <ListingsPage />;
  if (path === '/results') return <ResultsPage />;
  if ((match = new RegExp(`^/listings/${UUID}$`).exec(path))) return <ListingPage id={match[1]} />;
  if (path === '/login') return <LoginPage />;
  if (path === '/register') return <RegisterPage />;
  if (path === '/me') return <MyRegistrationsPage />;
  if (path === '/staff') return <StaffConsole />;
  if ((match = new RegExp(`^/staff/listings/${UUID}$`).exec(path))) return <StaffListingPage id={match[1]} />;
  if (path === '/supervisor') return <SupervisorDesk />;
  if (path === '/reports') return <ReportsPage />;
  if (path === '/statistics') return <StatisticsPage />;
  if (path === '/credit-list') return <CreditListPage />;
  if (path === '/fees') return <FeeSchedulesPage />;
  if (path === '/calendar') return <CalendarPage />;
  if (path === '/deposits') return <DepositsPage />;
  if (path === '/transfers') return <TransfersPage />;
  if ((match = new RegExp(`^/transfers/${UUID}$`).exec(path))) return <TransferPage id={match[1]} />;
  if (path === '/tenders') return <TendersPage />;
  if ((match = new RegExp(`^/tenders/${UUID}$`).exec(path))) return <TenderPage id={match[1]} />;
  if (path === '/staff/tenders') return <StaffTendersPage />;
  if ((match = new RegExp(`^/staff/tenders/${UUID}$`).exec(path))) return <StaffTenderPage id={match[1]} />;
  if (path === '/procurements') return <ProcurementsPage />;
  if ((match = new RegExp(`^/procurements/${UUID}$`).exec(path))) return <ProcurementPage id={match[1]} />;
  if (path === '/staff/procurements') return <StaffProcurementsPage />;
  if ((match = new RegExp(`^/staff/procurements/${UUID}$`).exec(path)))
    return <StaffProcurementPage id={match[1]} />;
  if (path === '/staff/transfers') return <StaffTransfersPage />;
  if ((match = new RegExp(`^/staff/transfers/${UUID}$`).exec(path)))
    return <StaffTransferPage id={match[1]} />;
  if ((match = new RegExp(`^/supervisor/listings/${UUID}$`).exec(path)))
    return <SupervisorListingPage id={match[1]} />;
  if (path === '/announcements') return <AnnouncementsPage />;
  if ((match = new RegExp(`^/announcements/${UUID}$`).exec(path))) return <AnnouncementPage id={match[1]} />;
  if (path === '/supervisor/alerts') return <AlertsPage />;
  if (path === '/me/complaints') return <MyComplaintsPage />;
  if (path === '/supervisor/complaints') return <ComplaintsDeskPage />;
  if (path === '/staff/challenges') return <ComplaintsDeskPage staff />;
  if ((match = new RegExp(`^/complaints/${UUID}$`).exec(path))) return <ComplaintPage id={match[1]} />;
  if (path === '/complaint-decisions') return <ComplaintDecisionsPage />;
  return <NotFound />;
}

function NotFound() {
  const { t } = makeI18n('zh', () => {});
  return <h1>{t('notFound')}</h1>;
}

export function App({ config }: { config: RuntimeConfig }) {
  const [path, setPath] = useState(location.pathname);
  const [session, setSession] = useState<Session | null>(readSession);
  const [lang, setLangState] = useState<Lang>(() => (localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh'));
  setApiToken(session?.token ?? null);

  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  }, [lang]);

  const navigate = useCallback((to: string) => {
    history.pushState(null, '', to);
    setPath(new URL(to, location.href).pathname);
    scrollTo(0, 0);
  }, []);
  const setLang = useCallback((next: Lang) => {
    localStorage.setItem(LANG_KEY, next);
    setLangState(next);
  }, []);
  const i18n = useMemo(() => makeI18n(lang, setLang), [lang, setLang]);
  const app = useMemo<AppState>(
    () => ({
      config,
      session,
      navigate,
      signIn: (next) => {
        localStorage.setItem(SESSION_KEY, JSON.stringify(next));
        setApiToken(next.token);
        setSession(next);
      },
      signOut: () => {
        localStorage.removeItem(SESSION_KEY);
        setApiToken(null);
        setSession(null);
        navigate('/');
      },
    }),
    [config, session, navigate],
  );
  const { t } = i18n;
  useEffect(() => {
    document.title = t('appName');
  }, [t]);

  return (
    <I18nContext.Provider value={i18n}>
      <AppContext.Provider value={app}>
        <a className="skip" href="#main">
          {t('skip')}
        </a>
        <header className="top">
          <Link to="/" className="brand">
            {t('appName')}
          </Link>
          <nav aria-label="main">
            <Link to="/">{t('navListings')}</Link>
            <Link to="/transfers">{t('navTransfers')}</Link>
            <Link to="/tenders">{t('navTenders')}</Link>
            <Link to="/procurements">{t('navProcurements')}</Link>
            <Link to="/results">{t('navResults')}</Link>
            <Link to="/statistics">{t('navStatistics')}</Link>
            <Link to="/credit-list">{t('navCredit')}</Link>
            <Link to="/announcements">{t('navAnnouncements')}</Link>
            <Link to="/calendar">{t('navCalendar')}</Link>
            <Link to="/fees">{t('navFees')}</Link>
            {hasRole(session, 'bidder') && <Link to="/me">{t('navMine')}</Link>}
            {hasRole(session, 'staff') && <Link to="/staff">{t('navStaff')}</Link>}
            {hasRole(session, 'staff') && <Link to="/staff/transfers">{t('navStaffTransfers')}</Link>}
            {hasRole(session, 'staff') && <Link to="/staff/tenders">{t('navStaffTenders')}</Link>}
            {hasRole(session, 'staff') && <Link to="/staff/procurements">{t('navStaffProcurements')}</Link>}
            {hasRole(session, 'supervisor', 'admin') && <Link to="/supervisor">{t('navSupervisor')}</Link>}
            {hasRole(session, 'staff', 'supervisor') && <Link to="/deposits">{t('navDeposits')}</Link>}
            {hasRole(session, 'staff', 'supervisor', 'admin') && <Link to="/reports">{t('navReports')}</Link>}
            {hasRole(session, 'supervisor', 'admin') && <QueuesLink />}
            {hasRole(session, 'supervisor') && <Link to="/supervisor/alerts">{t('navAlerts')}</Link>}
            <Link to="/complaint-decisions">{t('navComplaintDecisions')}</Link>
            {hasRole(session, 'bidder') && <Link to="/me/complaints">{t('navComplaints')}</Link>}
            {hasRole(session, 'supervisor') && (
              <Link to="/supervisor/complaints">{t('navComplaintsDesk')}</Link>
            )}
            {hasRole(session, 'staff') && <Link to="/staff/challenges">{t('navChallenges')}</Link>}
          </nav>
          <div className="account">
            <button
              type="button"
              className="link"
              lang={lang === 'zh' ? 'en' : 'zh-CN'}
              onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            >
              {t('language')}
            </button>
            {session ? (
              <>
                <span className="who">
                  {t('signedInAs')}: <strong>{session.user.username}</strong>
                </span>
                <button type="button" className="link" onClick={app.signOut}>
                  {t('signOut')}
                </button>
              </>
            ) : (
              <>
                <Link to="/login">{t('signIn')}</Link>
                <Link to="/register">{t('register')}</Link>
              </>
            )}
          </div>
        </header>
        <main id="main">
          <Suspense fallback={<Loading />}>{route(path)}</Suspense>
        </main>
      </AppContext.Provider>
    </I18nContext.Provider>
  );
}
