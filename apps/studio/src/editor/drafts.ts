/**
 * Unsaved edits live in localStorage, written on every change, until the version is saved: a
 * closed tab, a reload, a crash or a lost session never loses an edit. One draft per workflow
 * (`new` for a workflow not saved yet), with the version it was based on.
 */

export interface Draft {
  text: string;
  /** The version the edit started from; null for a new workflow. */
  baseVersion: number | null;
  savedAt: number;
}

const key = (name: string) => `atom.draft.${name}`;

export function loadDraft(name: string): Draft | null {
  try {
    const raw = localStorage.getItem(key(name));
    if (!raw) return null;
    const draft = JSON.parse(raw) as Draft;
    return typeof draft.text === 'string' ? draft : null;
  } catch {
    return null;
  }
}

export function saveDraft(name: string, draft: Draft): void {
  try {
    localStorage.setItem(key(name), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the edit is still in the page; nothing better to do here.
  }
}

export function clearDraft(name: string): void {
  localStorage.removeItem(key(name));
}

const layoutKey = (name: string) => `atom.layout.${name}`;

/** Where the user dragged each step (by id); steps not listed get the automatic layout. */
export function loadPositions(name: string): Record<string, { x: number; y: number }> {
  try {
    return JSON.parse(localStorage.getItem(layoutKey(name)) ?? '{}') as Record<string, { x: number; y: number }>;
  } catch {
    return {};
  }
}

export function savePositions(name: string, positions: Record<string, { x: number; y: number }>): void {
  try {
    localStorage.setItem(layoutKey(name), JSON.stringify(positions));
  } catch {}
}
