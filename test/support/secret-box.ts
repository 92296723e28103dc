import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../../src-main/endpoints/secret-box';

/**
 * A real AES-256-GCM secret box with a key held in memory, standing in for Electron's
 * safeStorage where Electron cannot run (tests, the browser bridge). Ciphertext is
 * iv | tag | data, like any authenticated encryption at rest.
 */
export function memorySecretBox(key: Buffer = randomBytes(32)): SecretBox {
  return {
    available: true,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), data]);
    },
    decrypt(blob) {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12));
      decipher.setAuthTag(blob.subarray(12, 28));
      return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}
