import type { ResumeInfo } from '@atom/engine';
import { AtomError } from '@atom/errors';

/** A node woken for a reason it never asked for: an engine bug, reported rather than guessed around. */
export function unexpectedResume(type: string, resume: ResumeInfo): AtomError {
  return new AtomError('ATOM_ERR_INTERNAL', `${type} was resumed by "${resume.reason}", which it never waits for`);
}
