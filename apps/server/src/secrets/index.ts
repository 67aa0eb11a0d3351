export { generateKey, keyIdOf } from './key-material.js';
export { createKeyring, type Keyring, type KeyringSummary } from './keyring.js';
export {
  KEY_ENV,
  KEY_FILE,
  type LoadKeyringOptions,
  loadKeyring,
  OLD_KEYS_ENV,
  OLD_KEYS_FILE,
} from './load-keyring.js';
export {
  DEFAULT_WORKSPACE,
  rotateSecrets,
  secretContext,
  WorkspaceSecrets,
  type WorkspaceSecretsOptions,
} from './workspace-secrets.js';
