import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api, ApiError, storedKey, storeKey } from './api/client';
import type { Me, Role } from './api/types';
import { SessionContext, useSession, useText } from './app-context';
import { ErrorBoundary } from './components/error-boundary';
import { viewerTimeZone } from './format/time';
import { MESSAGES, type Language, type MessageKey } from './i18n/messages';

// Each page is its own chunk, fetched when first opened: sign-in loads none of them, and ECharts
// (a chunk of its own, see vite.config.mts) only with the first page that draws a chart.
const OverviewPage = lazy(() => import('./pages/overview.page').then((module) => ({ default: module.OverviewPage })));
const SegmentsPage = lazy(() => import('./pages/segments.page').then((module) => ({ default: module.SegmentsPage })));
const JourneysPage = lazy(() => import('./pages/journeys.page').then((module) => ({ default: module.JourneysPage })));
const CustomerPage = lazy(() => import('./pages/customer.page').then((module) => ({ default: module.CustomerPage })));
const PredictionsPage = lazy(() => import('./pages/predictions.page').then((module) => ({ default: module.PredictionsPage })));
const AuditPage = lazy(() => import('./pages/audit.page').then((module) => ({ default: module.AuditPage })));
const OperationsPage = lazy(() => import('./pages/operations.page').then((module) => ({ default: module.OperationsPage })));

/** The pages, and the roles that see each (admin sees all). */
const PAGES: ReadonlyArray<{ id: string; label: MessageKey; roles: readonly Role[]; Page: React.ComponentType }> = [
  { id: 'overview', label: 'nav.overview', roles: ['marketing'], Page: OverviewPage },
  { id: 'segments', label: 'nav.segments', roles: ['marketing'], Page: SegmentsPage },
  { id: 'journeys', label: 'nav.journeys', roles: ['marketing'], Page: JourneysPage },
  { id: 'customer', label: 'nav.customer', roles: ['marketing', 'auditor'], Page: CustomerPage },
  { id: 'predictions', label: 'nav.predictions', roles: ['marketing'], Page: PredictionsPage },
  { id: 'audit', label: 'nav.audit', roles: ['auditor'], Page: AuditPage },
  { id: 'operations', label: 'nav.operations', roles: ['ingest', 'marketing', 'auditor'], Page: OperationsPage },
];

const LANGUAGE_STORAGE = 'journey.language';

function initialLanguage(): Language {
  const stored = localStorage.getItem(LANGUAGE_STORAGE);
  if (stored === 'en' || stored === 'zh') return stored;
  return navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

function useHash(): string {
  const [hash, setHash] = useState(() => window.location.hash.replace(/^#\/?/, ''));
  useEffect(() => {
    const changed = (): void => setHash(window.location.hash.replace(/^#\/?/, ''));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return hash;
}

export function App() {
  const [me, setMe] = useState<Me | undefined>();
  const [checking, setChecking] = useState(() => storedKey() !== null);
  const [language, setLanguageState] = useState<Language>(initialLanguage);
  const client = useQueryClient();
  const setLanguage = (next: Language): void => {
    localStorage.setItem(LANGUAGE_STORAGE, next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLanguageState(next);
  };
  useEffect(() => {
    document.documentElement.lang = language === 'zh' ? 'zh-CN' : 'en';
    if (!storedKey()) return;
    api<Me>('/v1/me')
      .then(setMe, () => storeKey(null))
      .finally(() => setChecking(false));
  }, []);
  const signOut = (): void => {
    storeKey(null);
    client.clear();
    setMe(undefined);
  };
  if (checking) return null;
  if (!me) return <SignIn language={language} setLanguage={setLanguage} onSignedIn={setMe} />;
  return (
    <SessionContext.Provider value={{ me, language, setLanguage, signOut }}>
      <Shell />
    </SessionContext.Provider>
  );
}

function LanguageSwitch({ language, setLanguage }: { language: Language; setLanguage: (language: Language) => void }) {
  return (
    <select aria-label="language" value={language} onChange={(event) => setLanguage(event.target.value as Language)}>
      <option value="en">English</option>
      <option value="zh">简体中文</option>
    </select>
  );
}

function SignIn({ language, setLanguage, onSignedIn }: { language: Language; setLanguage: (language: Language) => void; onSignedIn: (me: Me) => void }) {
  const [key, setKey] = useState('');
  const [failed, setFailed] = useState<string | undefined>();
  const text = MESSAGES[language];
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    try {
      const me = await api<Me>('/v1/me', { key: key.trim() });
      storeKey(key.trim());
      onSignedIn(me);
    } catch (error) {
      setFailed(error instanceof ApiError && error.status === 401 ? text['signin.failed'] : (error as Error).message);
    }
  };
  return (
    <form className="signin" onSubmit={(event) => void submit(event)}>
      <h1>{text['app.title']}</h1>
      <LanguageSwitch language={language} setLanguage={setLanguage} />
      <label>
        {text['signin.key']}
        <input name="apiKey" type="password" autoComplete="off" value={key} onChange={(event) => setKey(event.target.value)} style={{ width: '100%', boxSizing: 'border-box' }} />
      </label>
      {failed && <p className="error" role="alert">{failed}</p>}
      <button type="submit">{text['signin.submit']}</button>
    </form>
  );
}

function Shell() {
  const { me, language, setLanguage, signOut } = useSession();
  const { t } = useText();
  const hash = useHash();
  const visible = PAGES.filter((page) => me.role === 'admin' || page.roles.includes(me.role));
  const current = visible.find((page) => hash === page.id || hash.startsWith(`${page.id}/`)) ?? visible[0];
  return (
    <>
      <header>
        <h1>{t('app.title')}</h1>
        <nav>
          {visible.map((page) => (
            <a key={page.id} href={`#/${page.id}`} aria-current={page === current ? 'page' : undefined}>
              {t(page.label)}
            </a>
          ))}
        </nav>
        <span className="who" data-role={me.role}>
          {me.name} · {me.role} · {t('common.timezone')} {viewerTimeZone()}
        </span>
        <LanguageSwitch language={language} setLanguage={setLanguage} />
        <button type="button" onClick={signOut}>
          {t('signin.out')}
        </button>
      </header>
      {/* A page that throws shows its error below the header; another page opens afresh. */}
      <ErrorBoundary key={current?.id}>
        <Suspense fallback={<main className="muted">{t('common.loading')}</main>}>{current ? <current.Page /> : <main />}</Suspense>
      </ErrorBoundary>
    </>
  );
}
