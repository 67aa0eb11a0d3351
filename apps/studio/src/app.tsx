/**
 * The Studio: the session decides between setup, login and the app; the route table decides the
 * page, each loaded on demand behind a Suspense fallback.
 */
import { Suspense, useEffect } from 'react';
import { matchPath, navigate, RouterProvider, useLocation } from './router';
import { HOME, ROUTES, type RouteDef } from './routes';
import { SessionProvider, useSession } from './session';
import { AppShell } from './shell/app-shell';
import { ErrorBoundary } from './shell/error-boundary';

export function App() {
  return (
    <RouterProvider>
      <SessionProvider>
        <Pages />
      </SessionProvider>
    </RouterProvider>
  );
}

function findRoute(path: string): { route: RouteDef; params: Record<string, string> } | null {
  for (const route of ROUTES) {
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return null;
}

function Pages() {
  const { path, search } = useLocation();
  const { state } = useSession();
  const found = findRoute(path);

  // Where the session says the user must be: setup while no user exists, login without a session.
  let redirect: string | null = null;
  if (state.status === 'setup' && path !== '/setup') redirect = '/setup';
  else if (state.status === 'anonymous' && path !== '/login') {
    redirect = `/login?next=${encodeURIComponent(path + (search.size > 0 ? `?${search}` : ''))}`;
  } else if (state.status === 'signed-in' && (path === '/' || path === '/login' || path === '/setup')) {
    redirect = search.get('next') ?? HOME;
  }
  useEffect(() => {
    if (redirect) navigate(redirect, { replace: true });
  }, [redirect]);
  useEffect(() => {
    document.title = found ? `${found.route.title} · Atom Studio` : 'Atom Studio';
  }, [found]);

  if (state.status === 'loading' || redirect) return <div className="boot" aria-busy="true" />;
  if (state.status === 'unreachable') {
    return (
      <main className="bare">
        <h1>Atom Studio</h1>
        <p role="alert">{state.message}</p>
      </main>
    );
  }
  const page = found ? (
    <found.route.page params={found.params} />
  ) : (
    <main className="page">
      <h1>Not found</h1>
      <p>No page at {path}.</p>
    </main>
  );
  // A page loads again in another workspace: nothing it read of the old one stays on screen.
  const workspace = state.status === 'signed-in' ? state.workspace : '';
  const content = (
    <ErrorBoundary key={`${workspace}:${path}`}>
      <Suspense fallback={<div className="loading" aria-busy="true" />}>{page}</Suspense>
    </ErrorBoundary>
  );
  if (found?.route.bare) return content;
  return <AppShell>{content}</AppShell>;
}
