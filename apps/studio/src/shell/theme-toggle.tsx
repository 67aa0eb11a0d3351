/** Light, dark, or the system's choice; kept in localStorage and applied before paint by public/theme.js. */
import { useState } from 'react';

type Theme = 'system' | 'light' | 'dark';
const NEXT: Record<Theme, Theme> = { system: 'light', light: 'dark', dark: 'system' };

function saved(): Theme {
  const value = localStorage.getItem('atom.theme');
  return value === 'light' || value === 'dark' ? value : 'system';
}

export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>(saved);
  const change = () => {
    const next = NEXT[theme];
    if (next === 'system') {
      localStorage.removeItem('atom.theme');
      delete document.documentElement.dataset.theme;
    } else {
      localStorage.setItem('atom.theme', next);
      document.documentElement.dataset.theme = next;
    }
    setTheme(next);
  };
  return (
    <button type="button" className="button ghost" onClick={change} aria-label={`Theme: ${theme}. Change theme`}>
      {theme === 'dark' ? '☾ Dark' : theme === 'light' ? '☀ Light' : '◐ System'}
    </button>
  );
}
