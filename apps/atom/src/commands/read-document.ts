import { readFileSync } from 'node:fs';
import { AtomError } from '@atom/errors';

export function readDocument(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new AtomError('ATOM_ERR_FILE_READ', `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
}
