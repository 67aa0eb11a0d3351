/**
 * `atom keys generate`: prints a new encryption key (for ATOM_ENCRYPTION_KEY).
 * `atom keys rotate`: re-seals every stored secret with the active key. Rotation is: make the new
 * key active (ATOM_ENCRYPTION_KEY, or the key file), list the old one in ATOM_ENCRYPTION_KEYS_OLD
 * (or `<data>/encryption.keys.old`), run `atom keys rotate`, then drop the old key.
 */
import { generateKey, loadKeyring, rotateSecrets } from '@atom/server/secrets';
import { readConfig } from '../runtime/env-config.js';
import { openStore } from '../runtime/open-store.js';
import { ExitCode, exitCodeOf } from './exit-codes.js';
import { printError } from './print-error.js';

export function generateKeyCommand(): number {
  process.stdout.write(`${generateKey()}\n`);
  return ExitCode.ok;
}

export async function rotateKeysCommand(options: { data: string }): Promise<number> {
  try {
    const config = readConfig();
    const keyring = loadKeyring({ env: process.env, dataDir: options.data });
    const { store, where } = await openStore(config, options.data);
    try {
      const { total, resealed } = await rotateSecrets(store, keyring);
      process.stdout.write(
        `${where}: ${resealed} of ${total} secret${total === 1 ? '' : 's'} re-sealed with key ${keyring.activeKeyId}\n`,
      );
    } finally {
      await store.close();
    }
    return ExitCode.ok;
  } catch (error) {
    printError(error);
    return exitCodeOf(error);
  }
}
