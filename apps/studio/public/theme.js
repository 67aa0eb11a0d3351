// Applies the saved theme before the first paint (a separate file: the Studio's CSP allows no inline script).
(() => {
  try {
    const theme = localStorage.getItem('atom.theme');
    if (theme === 'light' || theme === 'dark') document.documentElement.dataset.theme = theme;
  } catch (_) {}
})();
