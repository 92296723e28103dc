import { safeStorage } from 'electron';
import type { SecretBox } from '../endpoints/secret-box';

/** API keys encrypted with the OS keychain (Keychain, DPAPI, libsecret/kwallet). */
export function safeStorageBox(): SecretBox {
  return {
    // On Linux without a keyring, safeStorage falls back to a hard-coded key ('basic_text'),
    // which is not real protection: treat it as unavailable so keys go to env vars instead.
    get available() {
      return safeStorage.isEncryptionAvailable() && (process.platform !== 'linux' || safeStorage.getSelectedStorageBackend() !== 'basic_text');
    },
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (cipher) => safeStorage.decryptString(cipher),
  };
}
