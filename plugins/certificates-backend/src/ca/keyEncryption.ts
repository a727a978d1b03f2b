import { LoggerService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { isSqlite } from '../database';

const DEV_KEY_FILE = 'certificates-ca-encryption.key';
const KEY_CONFIG = 'certificates.builtinCa.encryptionKey';
const PREVIOUS_KEYS_CONFIG = 'certificates.builtinCa.previousEncryptionKeys';
const REQUIRE_CONFIG = 'certificates.builtinCa.requireEncryptionKey';
const MIN_SECRET_LENGTH = 32;

/*
 * v2: the AES-256-GCM key is derived from the configured secret with HKDF
 * (SHA-256, a fixed salt and info). A fixed salt is enough: the secret is the
 * only input, and one secret must give one key so that the key id below
 * names it. Each value gets its own random 96-bit IV; a key encrypts a few
 * CA keys per rotation, far below the number of messages at which random GCM
 * IVs could repeat. The key id is a separate HKDF output (other info), so it
 * names the key without revealing anything of it.
 */
const HKDF_SALT = Buffer.from('certificates-backend builtin-ca', 'utf8');
const DATA_KEY_INFO = 'builtin-ca key encryption v2';
const KEY_ID_INFO = 'builtin-ca key id v2';
const KEY_ID_BYTES = 8;

interface DerivedKey {
  /** Hex; stored with every v2 value. */
  id: string;
  v2: Buffer;
  /** v1 keys were SHA-256 of the secret; read only, never written again. */
  v1: Buffer;
}

function derive(secret: string): DerivedKey {
  const ikm = Buffer.from(secret, 'utf8');
  const hkdf = (info: string, length: number) =>
    Buffer.from(hkdfSync('sha256', ikm, HKDF_SALT, info, length));
  return {
    id: hkdf(KEY_ID_INFO, KEY_ID_BYTES).toString('hex'),
    v2: hkdf(DATA_KEY_INFO, 32),
    v1: createHash('sha256').update(secret, 'utf8').digest(),
  };
}

function decryptGcm(
  key: Buffer,
  parts: { iv: string; tag: string; ciphertext: string },
  aad?: Buffer,
): Buffer {
  const decipher = createDecipheriv(
    'aes-256-gcm',
    key,
    Buffer.from(parts.iv, 'base64'),
  );
  if (aad) {
    decipher.setAAD(aad);
  }
  decipher.setAuthTag(Buffer.from(parts.tag, 'base64'));
  return Buffer.concat([
    decipher.update(Buffer.from(parts.ciphertext, 'base64')),
    decipher.final(),
  ]);
}

/**
 * Encrypts CA private keys at rest with AES-256-GCM. The stored form is
 * `v2:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts, the header
 * authenticated too); the keys never leave memory. Values written with a
 * previous key, and `v1:<iv>:<tag>:<ciphertext>` values of earlier versions,
 * are still read, so that keys can be rotated.
 */
export class KeyEncryption {
  private constructor(
    private readonly current: DerivedKey,
    private readonly previous: readonly DerivedKey[],
  ) {}

  /** From the current secret and those used before it. */
  static fromSecrets(options: {
    current: string;
    previous?: readonly string[];
  }): KeyEncryption {
    const current = derive(options.current);
    const previous = (options.previous ?? [])
      .filter(secret => secret !== options.current)
      .map(derive);
    return new KeyEncryption(current, previous);
  }

  static fromSecret(secret: string): KeyEncryption {
    return KeyEncryption.fromSecrets({ current: secret });
  }

  /** The id stored with values encrypted now (not secret). */
  get keyId(): string {
    return this.current.id;
  }

  encrypt(plaintext: Buffer): string {
    const header = `v2:${this.current.id}`;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.v2, iv);
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const ciphertext = Buffer.concat([
      cipher.update(plaintext),
      cipher.final(),
    ]);
    return [
      header,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ciphertext.toString('base64'),
    ].join(':');
  }

  /** Whether a stored value is already encrypted with the current key. */
  isCurrent(stored: string): boolean {
    return stored.startsWith(`v2:${this.current.id}:`);
  }

  decrypt(stored: string): Buffer {
    const parts = stored.split(':');
    if (parts[0] === 'v2' && parts.length === 5) {
      const [, keyId, iv, tag, ciphertext] = parts;
      const key = [this.current, ...this.previous].find(k => k.id === keyId);
      if (!key) {
        throw new Error(
          `Cannot decrypt the built-in CA key: it was stored with key ${keyId}, which is neither ${KEY_CONFIG} (key ${this.current.id}) nor one of ${PREVIOUS_KEYS_CONFIG}`,
        );
      }
      try {
        return decryptGcm(
          key.v2,
          { iv, tag, ciphertext },
          Buffer.from(`v2:${keyId}`, 'utf8'),
        );
      } catch {
        throw new Error(
          `Cannot decrypt the built-in CA key stored with key ${keyId}: the stored value is damaged`,
        );
      }
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const [, iv, tag, ciphertext] = parts;
      // v1 values name no key: the authentication tag tells which one fits.
      for (const key of [this.current, ...this.previous]) {
        try {
          return decryptGcm(key.v1, { iv, tag, ciphertext });
        } catch {
          // not this key
        }
      }
      throw new Error(
        `Cannot decrypt the built-in CA key: neither ${KEY_CONFIG} nor any of ${PREVIOUS_KEYS_CONFIG} is the key it was stored with`,
      );
    }
    throw new Error('Unrecognised encrypted key format');
  }
}

/** The data folder of the embedded setup (git-ignored). */
export function dataDirectory(): string {
  return process.env.CERTIFICATES_DATA_DIR || './data';
}

/**
 * Why this start needs a configured key, or undefined (development on
 * SQLite, where a generated key beside the database file is acceptable).
 */
function keyRequiredBecause(options: {
  settings: KeyEncryptionSettings;
  knex?: Knex;
  production?: boolean;
}): string | undefined {
  if (options.production ?? process.env.NODE_ENV === 'production') {
    return 'with NODE_ENV=production';
  }
  if (options.knex && !isSqlite(options.knex)) {
    // Other instances share this database but not this disk.
    return `when the plugin database is not SQLite (it is ${String(
      options.knex.client.config?.client,
    )})`;
  }
  if (options.settings.requireEncryptionKey) {
    return `as ${REQUIRE_CONFIG} is true`;
  }
  return undefined;
}

/** `certificates.builtinCa` as far as the key encryption goes. */
export interface KeyEncryptionSettings {
  encryptionKey?: string;
  previousEncryptionKeys: string[];
  requireEncryptionKey: boolean;
}

function checkSecrets(settings: KeyEncryptionSettings): {
  current?: string;
  previous: string[];
} {
  const current = settings.encryptionKey;
  const previous = settings.previousEncryptionKeys;
  if (current !== undefined && current.length < MIN_SECRET_LENGTH) {
    throw new Error(
      `${KEY_CONFIG} must be at least ${MIN_SECRET_LENGTH} characters long`,
    );
  }
  previous.forEach((secret, i) => {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(
        `${PREVIOUS_KEYS_CONFIG}[${i}] must be at least ${MIN_SECRET_LENGTH} characters long`,
      );
    }
  });
  if (!current && previous.length) {
    throw new Error(
      `${PREVIOUS_KEYS_CONFIG} is set but ${KEY_CONFIG} is not: configure the key to encrypt with`,
    );
  }
  return { current, previous };
}

/**
 * The configured encryption keys, or a development key kept in the data
 * folder. Refuses (throws, naming the setting) where a configured key is
 * required: the CA would otherwise be encrypted with a key that lives on
 * one machine's disk. Creating the file is exclusive so that two processes
 * starting at once end up with the same key.
 */
export async function resolveKeyEncryption(options: {
  settings: KeyEncryptionSettings;
  logger: LoggerService;
  /** The plugin database; a key is required unless it is SQLite. */
  knex?: Knex;
  dataDir?: string;
  /** Default: NODE_ENV is 'production'. */
  production?: boolean;
}): Promise<KeyEncryption> {
  const { current, previous } = checkSecrets(options.settings);
  if (current) {
    return KeyEncryption.fromSecrets({ current, previous });
  }
  const because = keyRequiredBecause(options);
  if (because) {
    throw new Error(
      `${KEY_CONFIG} is required ${because}: the built-in CA's private keys are stored encrypted with it. Set it to a random secret of at least ${MIN_SECRET_LENGTH} characters (e.g. the output of \`openssl rand -base64 32\`); the backend does not start without it`,
    );
  }
  const dir = options.dataDir ?? dataDirectory();
  const file = path.resolve(dir, DEV_KEY_FILE);
  await fs.mkdir(dir, { recursive: true });
  let secret: string;
  try {
    secret = randomBytes(32).toString('base64');
    await fs.writeFile(file, `${secret}\n`, { flag: 'wx', mode: 0o600 });
    options.logger.warn(
      `No ${KEY_CONFIG} configured: generated a development key in ${file}. Configure a key for production.`,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw e;
    }
    secret = await readWhenWritten(file);
    options.logger.warn(
      `No ${KEY_CONFIG} configured: using the development key in ${file}. Configure a key for production.`,
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
