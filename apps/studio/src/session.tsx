/**
 * Who is logged in, and in which workspace. On start the app asks whether the first-run setup is
 * open (no user yet), then for the session (its CSRF token comes with it) and the user's
 * workspaces; the one chosen last (kept in localStorage) is sent with every request, else the
 * user's first. Pages that change something read the user's role there to hide what the role may
 * not do (the server refuses it anyway).
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, get, onSessionLost, post, setCsrfToken, setWorkspace } from './api/client';
import type { SessionAnswer, SessionUser, UserRole, WorkspaceSummary } from './api/types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'setup' }
  | { status: 'anonymous'; reason?: string }
  | { status: 'signed-in'; user: SessionUser; workspaces: WorkspaceSummary[]; workspace: string }
  | { status: 'unreachable'; message: string };

interface SessionValue {
  state: SessionState;
  /** After login or setup: the answer's user and CSRF token. */
  signedIn(answer: SessionAnswer): void;
  logout(): Promise<void>;
  refresh(): Promise<void>;
  /** Acts in another of the user's workspaces from now on (pages load again). */
  switchWorkspace(slug: string): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);
const CHOSEN_KEY = 'atom.workspace';

function chosenWorkspace(): string | null {
  try {
    return window.localStorage.getItem(CHOSEN_KEY);
  } catch {
    return null;
  }
}

function rememberWorkspace(slug: string): void {
  try {
    window.localStorage.setItem(CHOSEN_KEY, slug);
  } catch {
    // Private windows may refuse storage: the choice then lasts as long as the page.
  }
}

/** The user's workspaces, the one to act in (the remembered one if still theirs), and their role there. */
async function openWorkspace(): Promise<{ user: SessionUser; workspaces: WorkspaceSummary[]; workspace: string }> {
  setWorkspace(null);
  const { items } = await get<{ items: WorkspaceSummary[] }>('/api/v1/workspaces');
  const remembered = chosenWorkspace();
  const current = items.find((w) => w.slug === remembered) ?? items[0];
  setWorkspace(current?.slug ?? null);
  const session = await get<SessionAnswer>('/api/v1/auth/session');
  setCsrfToken(session.csrfToken ?? null);
  return { user: session.user, workspaces: items, workspace: session.workspace?.slug ?? current?.slug ?? '' };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const setup = await get<{ needed: boolean }>('/api/v1/auth/setup');
      if (setup.needed) {
        setState({ status: 'setup' });
        return;
      }
      setState({ status: 'signed-in', ...(await openWorkspace()) });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setState({ status: 'anonymous' });
      else setState({ status: 'unreachable', message: (error as Error).message });
    }
  }, []);

  useEffect(() => {
    void refresh();
    onSessionLost(() => {
      setCsrfToken(null);
      setState({ status: 'anonymous', reason: 'Your session ended; log in again.' });
    });
  }, [refresh]);

  const value: SessionValue = {
    state,
    refresh,
    signedIn(answer) {
      setCsrfToken(answer.csrfToken ?? null);
      setState({ status: 'signed-in', user: answer.user, workspaces: [], workspace: '' });
      void openWorkspace().then(
        (opened) => setState({ status: 'signed-in', ...opened }),
        () => {},
      );
    },
    async logout() {
      try {
        await post('/api/v1/auth/logout');
      } finally {
        setCsrfToken(null);
        setWorkspace(null);
        setState({ status: 'anonymous' });
      }
    },
    async switchWorkspace(slug) {
      rememberWorkspace(slug);
      setState({ status: 'signed-in', ...(await openWorkspace()) });
    },
  };
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

const RANK: UserRole[] = ['owner', 'admin', 'editor', 'operator', 'viewer'];

/** True when the signed-in user's role is `role` or stronger. */
export function useRoleAtLeast(role: UserRole): boolean {
  const { state } = useSession();
  if (state.status !== 'signed-in') return false;
  return RANK.indexOf(state.user.role) <= RANK.indexOf(role);
}
