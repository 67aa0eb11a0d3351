/**
 * `atom keys generate`: prints a new encryption key (for ATOM_ENCRYPTION_KEY).
 * `atom keys rotate`: re-seals every stored secret with the active key. Rotation is: make the new
 * key active (ATOM_ENCRYPTION_KEY, or the key file), list the old one in ATOM_ENCRYPTION_KEYS_OLD
 * (or `<data>/encryption.keys.old`), run `atom keys rotate`, then drop the old key.
 */
import { generateKey, loadKeyring, rotateSecrets } from '@atom/server/secrets';
import { readConfig } from '../runtime/env-config.js';
import { reported, usingStore } from './command-frame.js';
import { ExitCode } from './exit-codes.js';

export function generateKeyCommand(): number {
  process.stdout.write(`${generateKey()}\n`);
  return ExitCode.ok;
}

export async function rotateKeysCommand(options: { data: string }): Promise<number> {
  return reported(async () => {
    const config = readConfig();
    const keyring = loadKeyring({ env: process.env, dataDir: options.data });
    return usingStore(
      options.data,
      async ({ store, where }) => {
        const { total, resealed } = await rotateSecrets(store, keyring);
        process.stdout.write(
          `${where}: ${resealed} of ${total} secret${total === 1 ? '' : 's'} re-sealed with key ${keyring.activeKeyId}\n`,
        );
        return ExitCode.ok;
      },
      config,
    );
  });
}
