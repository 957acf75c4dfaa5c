import { render } from 'preact';
import { useEffect } from 'preact/hooks';
import { onUnauthorized } from './api';
import { lang, t, toggleLanguage } from './i18n';
import { Board } from './pages/board';
import { IncidentPage } from './pages/incident';
import { Login } from './pages/login';
import { Queue } from './pages/queue';
import { Reports } from './pages/reports';
import { Rules } from './pages/rules';
import { Silences } from './pages/silences';
import { follow } from './live';
import { linkClick, path } from './router';
import { loadPerson, person, signOut } from './session';
import './styles.css';

const PAGES: [string, () => string][] = [
  ['/', () => t().queue],
  ['/board', () => t().board],
  ['/silences', () => t().silences],
  ['/rules', () => t().rules],
  ['/reports', () => t().reports],
];

function Nav() {
  const p = person.value;
  const here = path.value;
  return (
    <header class="top">
      <a class="brand" href="/" onClick={(e) => linkClick(e, '/')}>
        {t().appName}
      </a>
      <nav aria-label="pages">
        {PAGES.filter(([to]) => p?.role !== 'customer' || to === '/' || to === '/board' || to === '/reports').map(([to, name]) => (
          <a key={to} href={to} aria-current={here === to ? 'page' : undefined} onClick={(e) => linkClick(e, to)}>
            {name()}
          </a>
        ))}
      </nav>
      <div class="who">
        <button type="button" class="link" onClick={toggleLanguage} lang={lang.value === 'ru' ? 'en' : 'ru'}>
          {t().language}
        </button>
        {p?.name ? (
          <>
            <span class="person">{p.displayName ?? p.name}</span>
            <button type="button" class="link" onClick={() => void signOut()}>
              {t().signOut}
            </button>
          </>
        ) : null}
      </div>
    </header>
  );
}

function Page() {
  const here = path.value;
  const incident = /^\/incidents\/(\d+)$/.exec(here);
  if (incident) return <IncidentPage id={Number(incident[1])} />;
  switch (here) {
    case '/board':
      return <Board />;
    case '/silences':
      return <Silences />;
    case '/rules':
      return <Rules />;
    case '/reports':
      return <Reports />;
    default:
      return <Queue />;
  }
}

function App() {
  useEffect(() => {
    document.documentElement.lang = lang.value;
    // The live stream opens beside the question of who this is (one round trip less before the
    // queue loads); without a session it is refused, and opens again after the login.
    follow();
    void loadPerson();
    return onUnauthorized(() => {
      person.value = null;
    });
  }, []);
  if (person.value === undefined) return <p class="loading">{t().loading}</p>;
  if (person.value === null) return <Login />;
  return (
    <>
      <Nav />
      <main id="main">
        <Page />
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
