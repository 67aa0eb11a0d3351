/** Loads a `{ items }` listing and reloads it after a change; the error is kept for display. */
import { useCallback, useEffect, useState } from 'react';
import { get } from '../api/client';

export function useList<T>(path: string | null) {
  const [items, setItems] = useState<T[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const reload = useCallback(async () => {
    if (path === null) return;
    try {
      setItems((await get<{ items: T[] }>(path)).items);
      setError(null);
    } catch (caught) {
      setError(caught);
    }
  }, [path]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { items, error, setError, reload };
}

/** Runs a change, then reloads; a refusal lands in `setError` instead of escaping. */
export async function change(
  action: () => Promise<unknown>,
  after: () => Promise<void>,
  setError: (e: unknown) => void,
) {
  try {
    await action();
    setError(null);
    await after();
  } catch (caught) {
    setError(caught);
  }
}

export const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '–');
