// Writes docs/errors.md from the error registry (npm run docs:errors). A test keeps them equal.
import { writeFileSync } from 'node:fs';
import { renderErrorsDoc } from '@atom/errors';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorsDoc());
