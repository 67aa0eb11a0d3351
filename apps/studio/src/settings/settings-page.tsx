/**
 * Settings, one tab at a time (arrow keys move between tabs): members and invitations, API tokens,
 * secrets and variables, tier and usage, the audit log, the workspace. A tab shows only to roles that may read it.
 */
import { type KeyboardEvent, type ReactNode, useRef, useState } from 'react';
import type { UserRole } from '../api/types';
import { useRoleAtLeast } from '../session';
import '../data-pages.css';
import { MembersSection } from './members-section';
import { SecretsSection } from './secrets-section';
import { TokensSection } from './tokens-section';
import { AuditSection, TierSection } from './workspace-section';
import { WorkspacesSection } from './workspaces-section';

const TABS: { id: string; label: string; role: UserRole; body: () => ReactNode }[] = [
  { id: 'members', label: 'Members', role: 'viewer', body: () => <MembersSection /> },
  { id: 'tokens', label: 'API tokens', role: 'viewer', body: () => <TokensSection /> },
  { id: 'secrets', label: 'Secrets and variables', role: 'editor', body: () => <SecretsSection /> },
  { id: 'tier', label: 'Tier and usage', role: 'viewer', body: () => <TierSection /> },
  { id: 'audit', label: 'Audit log', role: 'admin', body: () => <AuditSection /> },
  { id: 'workspace', label: 'Workspace', role: 'viewer', body: () => <WorkspacesSection /> },
];

export default function SettingsPage() {
  const allowed = {
    viewer: useRoleAtLeast('viewer'),
    editor: useRoleAtLeast('editor'),
    admin: useRoleAtLeast('admin'),
  } as Record<UserRole, boolean>;
  const tabs = TABS.filter((t) => allowed[t.role]);
  const [current, setCurrent] = useState(() => new URLSearchParams(window.location.search).get('tab') ?? 'members');
  const buttons = useRef<Record<string, HTMLButtonElement | null>>({});
  const active = tabs.find((t) => t.id === current) ?? tabs[0];
  const select = (id: string) => {
    setCurrent(id);
    window.history.replaceState(null, '', `/settings?tab=${id}`);
  };
  const onKey = (event: KeyboardEvent) => {
    const i = tabs.findIndex((t) => t.id === active?.id);
    const step = event.key === 'ArrowRight' ? 1 : event.key === 'ArrowLeft' ? -1 : 0;
    if (step === 0) return;
    event.preventDefault();
    const next = tabs[(i + step + tabs.length) % tabs.length];
    if (next) {
      select(next.id);
      buttons.current[next.id]?.focus();
    }
  };
  return (
    <main className="page">
      <div className="page-head">
        <h1>Settings</h1>
      </div>
      <div className="tabs" role="tablist" aria-label="Settings" onKeyDown={onKey}>
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            id={`tab-${t.id}`}
            aria-selected={t.id === active?.id}
            aria-controls={`panel-${t.id}`}
            tabIndex={t.id === active?.id ? 0 : -1}
            ref={(el) => {
              buttons.current[t.id] = el;
            }}
            onClick={() => select(t.id)}
          >
            {t.label}
          </button>
        ))}
      </div>
      {active && (
        <div role="tabpanel" id={`panel-${active.id}`} aria-labelledby={`tab-${active.id}`}>
          {active.body()}
        </div>
      )}
    </main>
  );
}
