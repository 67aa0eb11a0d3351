/**
 * Every page of the Studio, each loaded lazily (its own chunk): the initial download is the shell
 * alone. A page gets the URL params as props. To add a page, add a line here; `nav` puts it in the
 * sidebar (in this order), `public` shows it without a session (setup, login).
 */
import { type ComponentType, type LazyExoticComponent, lazy } from 'react';

export interface PageProps {
  params: Record<string, string>;
}

export interface RouteDef {
  path: string;
  title: string;
  page: LazyExoticComponent<ComponentType<PageProps>>;
  /** The sidebar label, for top-level pages. */
  nav?: string;
  public?: boolean;
  /** Shown without the sidebar and header (setup, login). */
  bare?: boolean;
}

export const ROUTES: RouteDef[] = [
  { path: '/setup', title: 'Set up Atom', page: lazy(() => import('./pages/setup-page')), public: true, bare: true },
  { path: '/login', title: 'Log in', page: lazy(() => import('./pages/login-page')), public: true, bare: true },
  { path: '/workflows', title: 'Workflows', nav: 'Workflows', page: lazy(() => import('./pages/workflows-page')) },
  { path: '/workflows/new', title: 'New workflow', page: lazy(() => import('./editor/editor-page')) },
  { path: '/workflows/:name', title: 'Workflow', page: lazy(() => import('./editor/editor-page')) },
  { path: '/runs', title: 'Runs', nav: 'Runs', page: lazy(() => import('./runs/runs-page')) },
  { path: '/runs/:id', title: 'Run', page: lazy(() => import('./run/run-page')) },
  { path: '/dashboard', title: 'Dashboard', nav: 'Dashboard', page: lazy(() => import('./dashboard/dashboard-page')) },
  { path: '/settings', title: 'Settings', nav: 'Settings', page: lazy(() => import('./settings/settings-page')) },
];

/** Where `/` leads once logged in. */
export const HOME = '/workflows';
