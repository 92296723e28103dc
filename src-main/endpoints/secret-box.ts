/**
 * Encrypts secrets at rest. The app's implementation wraps Electron's safeStorage (the OS
 * keychain); domain code only sees this interface so it runs unchanged in the CLI and tests.
 * Implementations must never log or return plain text anywhere but `decrypt`'s result.
 */
export interface SecretBox {
  readonly available: boolean;
  encrypt(plain: string): Buffer;
  decrypt(cipher: Buffer): string;
}

/** For the CLI: nothing can be encrypted, so keys come from environment variables only. */
export const noSecretBox: SecretBox = {
  available: false,
  encrypt() {
    throw new Error('No secret storage here: name an environment variable with --api-key-env instead.');
  },
  decrypt() {
    throw new Error('This API key was saved by the app and can only be decrypted there.');
  },
};
