/**
 * The frame of every signed-in page: a skip link, the sidebar (from the route table), the
 * workspace switcher, the theme switch and the user.
 */
import type { ReactNode } from 'react';
import { Link, useLocation } from '../router';
import { ROUTES } from '../routes';
import { useSession } from '../session';
import { ThemeToggle } from './theme-toggle';

export function AppShell({ children }: { children: ReactNode }) {
  const { path } = useLocation();
  const { state, logout, switchWorkspace } = useSession();
  const nav = ROUTES.filter((route) => route.nav);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Atom Studio home">
          <img src="/icon.svg" alt="" width="24" height="24" />
          <span>Atom Studio</span>
        </Link>
        <div className="topbar-end">
          <ThemeToggle />
          {state.status === 'signed-in' && state.workspaces.length > 0 && (
            <label className="workspace-switch">
              <span className="visually-hidden">Workspace</span>
              <select
                aria-label="Workspace"
                value={state.workspace}
                onChange={(event) => void switchWorkspace(event.target.value)}
              >
                {state.workspaces.map((w) => (
                  <option key={w.id} value={w.slug}>
                    {w.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {state.status === 'signed-in' && (
            <>
              <span className="who" title={state.user.role}>
                {state.user.email} <span className="badge">{state.user.role}</span>
              </span>
              <button type="button" className="button ghost" onClick={() => void logout()}>
                Log out
              </button>
            </>
          )}
        </div>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          {nav.map((route) => {
            const current = path === route.path || path.startsWith(`${route.path}/`);
            return (
              <li key={route.path}>
                <Link to={route.path} aria-current={current ? 'page' : undefined}>
                  {route.nav}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <div id="main" className="content" tabIndex={-1}>
        {children}
      </div>
    </div>
  );
}
