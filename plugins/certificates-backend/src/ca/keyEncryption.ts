import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  randomBytes,
} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

const FORMAT = 'v1';
const DEV_KEY_FILE = 'certificates-ca-encryption.key';

/**
 * Encrypts CA private keys at rest with AES-256-GCM. The stored form is
 * `v1:<iv>:<tag>:<ciphertext>` (base64 parts); the key never leaves memory.
 */
export class KeyEncryption {
  private constructor(private readonly key: Buffer) {}

  /** From any secret string: 32 bytes are derived from it with SHA-256. */
  static fromSecret(secret: string): KeyEncryption {
    return new KeyEncryption(createHash('sha256').update(secret).digest());
  }

  encrypt(plaintext: Buffer): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return [
      FORMAT,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  decrypt(stored: string): Buffer {
    const [format, iv, tag, ciphertext] = stored.split(':');
    if (format !== FORMAT || !iv || !tag || !ciphertext) {
      throw new Error('Unrecognised encrypted key format');
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key,
      Buffer.from(iv, 'base64'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    try {
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, 'base64')),
        decipher.final(),
      ]);
    } catch {
      throw new Error(
        'Cannot decrypt the built-in CA key: certificates.builtinCa.encryptionKey differs from the key it was stored with',
      );
    }
  }
}

/** The data folder of the embedded setup (git-ignored). */
export function dataDirectory(): string {
  return process.env.CERTIFICATES_DATA_DIR || './data';
}

/**
 * The configured encryption key, or a development key kept in the data
 * folder. Creating the file is exclusive so that two processes starting at
 * once end up with the same key.
 */
export async function resolveKeyEncryption(options: {
  config: Config;
  logger: LoggerService;
  dataDir?: string;
}): Promise<KeyEncryption> {
  const configured = options.config.getOptionalString(
    'certificates.builtinCa.encryptionKey',
  );
  if (configured) {
    if (configured.length < 32) {
      throw new Error(
        'certificates.builtinCa.encryptionKey must be at least 32 characters long',
      );
    }
    return KeyEncryption.fromSecret(configured);
  }
  const dir = options.dataDir ?? dataDirectory();
  const file = path.resolve(dir, DEV_KEY_FILE);
  await fs.mkdir(dir, { recursive: true });
  let secret: string;
  try {
    secret = randomBytes(32).toString('base64');
    await fs.writeFile(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    options.logger.warn(
      `No certificates.builtinCa.encryptionKey configured: generated a development key in ${file}. Configure a key for production.`,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw e;
    }
    secret = await readWhenWritten(file);
    options.logger.warn(
      `No certificates.builtinCa.encryptionKey configured: using the development key in ${file}. Configure a key for production.`,
    );
  }
  return KeyEncryption.fromSecret(secret);
}

/** Another process may have created the file a moment ago and still be writing it. */
async function readWhenWritten(file: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const secret = (await fs.readFile(file, 'utf8')).trim();
    if (secret || attempt >= 50) {
      if (!secret) {
        throw new Error(`The development key file ${file} is empty`);
      }
      return secret;
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
