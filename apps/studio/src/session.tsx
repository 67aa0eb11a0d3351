/**
 * Who is logged in. On start the app asks whether the first-run setup is open (no user yet) and
 * then for the session (its CSRF token comes with it); pages that change something read the user's
 * role to hide what the role may not do (the server refuses it anyway).
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiError, get, onSessionLost, post, setCsrfToken } from './api/client';
import type { SessionAnswer, SessionUser, UserRole } from './api/types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'setup' }
  | { status: 'anonymous'; reason?: string }
  | { status: 'signed-in'; user: SessionUser }
  | { status: 'unreachable'; message: string };

interface SessionValue {
  state: SessionState;
  /** After login or setup: the answer's user and CSRF token. */
  signedIn(answer: SessionAnswer): void;
  logout(): Promise<void>;
  refresh(): Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      const setup = await get<{ needed: boolean }>('/api/v1/auth/setup');
      if (setup.needed) {
        setState({ status: 'setup' });
        return;
      }
      const session = await get<SessionAnswer>('/api/v1/auth/session');
      setCsrfToken(session.csrfToken ?? null);
      setState({ status: 'signed-in', user: session.user });
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
      setState({ status: 'signed-in', user: answer.user });
    },
    async logout() {
      try {
        await post('/api/v1/auth/logout');
      } finally {
        setCsrfToken(null);
        setState({ status: 'anonymous' });
      }
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
