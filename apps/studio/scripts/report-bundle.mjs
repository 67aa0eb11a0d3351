// Writes a gzipped copy beside every text file (the server sends it to browsers that accept gzip).
// Prints every built chunk with its gzipped size, and the initial JavaScript (the entry and what it
// imports statically, i.e. what a first visit downloads before any page chunk). Fails the build
// when the initial JavaScript is over the budget of 250 KB gzipped (issue 6).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = 250;
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const manifest = JSON.parse(readFileSync(join(dist, '.vite', 'manifest.json'), 'utf8'));
const gz = (file) => gzipSync(readFileSync(join(dist, file)), { level: 9 }).length;
const kb = (bytes) => (bytes / 1024).toFixed(1).padStart(8);

const TEXT = /\.(js|css|html|svg|webmanifest|json)$/;
for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
  if (!TEXT.test(file) || file.startsWith('.vite')) continue;
  writeFileSync(join(dist, `${file}.gz`), gzipSync(readFileSync(join(dist, file)), { level: 9 }));
}

const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry);
if (!entry) throw new Error('no entry chunk in the Vite manifest');
const initial = new Set();
const visit = (key) => {
  const chunk = manifest[key];
  if (!chunk || initial.has(chunk.file)) return;
  initial.add(chunk.file);
  for (const css of chunk.css ?? []) initial.add(css);
  for (const imported of chunk.imports ?? []) visit(imported);
};
visit(entry[0]);

const files = new Map();
for (const chunk of Object.values(manifest)) {
  files.set(chunk.file, chunk.name ?? chunk.src ?? chunk.file);
  for (const css of chunk.css ?? []) files.set(css, `${chunk.name ?? chunk.file} (css)`);
}
const rows = [...files.keys()].map((file) => ({
  file,
  raw: readFileSync(join(dist, file)).length,
  gzip: gz(file),
  initial: initial.has(file),
}));
rows.sort((a, b) => b.gzip - a.gzip);
console.log('\nStudio bundle (KB; gzip level 9)');
console.log(`${'raw'.padStart(8)} ${'gzip'.padStart(8)}  initial  file`);
for (const row of rows) {
  console.log(`${kb(row.raw)} ${kb(row.gzip)}  ${row.initial ? '  yes  ' : '       '}  ${row.file}`);
}
const initialJs = rows.filter((r) => r.initial && r.file.endsWith('.js')).reduce((sum, r) => sum + r.gzip, 0);
const allJs = rows.filter((r) => r.file.endsWith('.js')).reduce((sum, r) => sum + r.gzip, 0);
console.log(`initial JavaScript: ${(initialJs / 1024).toFixed(1)} KB gzipped (budget ${BUDGET_KB} KB)`);
console.log(
  `all JavaScript:     ${(allJs / 1024).toFixed(1)} KB gzipped in ${rows.filter((r) => r.file.endsWith('.js')).length} chunks\n`,
);
if (initialJs > BUDGET_KB * 1024) {
  console.error(`the initial JavaScript is over its budget of ${BUDGET_KB} KB gzipped`);
  process.exit(1);
}
