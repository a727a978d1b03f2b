import { mockServices } from '@backstage/backend-test-utils';
import { createCipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  KeyEncryption,
  KeyEncryptionSettings,
  resolveKeyEncryption,
} from './keyEncryption';

const KEY_A = 'first-encryption-key-of-at-least-32-chars';
const KEY_B = 'second-encryption-key-of-at-least-32-chars';

/** A value as the first version stored it: SHA-256 of the secret as the key. */
function v1Encrypt(secret: string, plaintext: Buffer): string {
  const key = createHash('sha256').update(secret).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), ciphertext]
    .map(p => (typeof p === 'string' ? p : p.toString('base64')))
    .join(':');
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'certificates-key-'));
}

describe('KeyEncryption', () => {
  const secret = Buffer.from('-----BEGIN PRIVATE KEY----- pkcs8 bytes');

  it('stores v2 values with a key id that is not the key', () => {
    const a = KeyEncryption.fromSecret(KEY_A);
    const stored = a.encrypt(secret);
    const [format, keyId, iv, tag, ciphertext] = stored.split(':');
    expect(format).toBe('v2');
    expect(keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyId).toBe(a.keyId);
    expect(Buffer.from(iv, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag, 'base64')).toHaveLength(16);
    expect(ciphertext).toBeTruthy();
    expect(stored).not.toContain(KEY_A);
    expect(stored).not.toContain('PRIVATE KEY');

    // The id is stable per secret, differs between secrets, and is none of
    // the key's bytes (the data key and the id are separate HKDF outputs).
    expect(KeyEncryption.fromSecret(KEY_A).keyId).toBe(keyId);
    expect(KeyEncryption.fromSecret(KEY_B).keyId).not.toBe(keyId);
    const dataKey = Buffer.from(
      hkdfSync(
        'sha256',
        Buffer.from(KEY_A),
        Buffer.from('certificates-backend builtin-ca'),
        'builtin-ca key encryption v2',
        32,
      ),
    ).toString('hex');
    expect(dataKey).not.toContain(keyId);
    expect(createHash('sha256').update(KEY_A).digest('hex')).not.toContain(
      keyId,
    );

    expect(a.decrypt(stored)).toEqual(secret);
    expect(a.encrypt(secret)).not.toBe(stored);
    expect(a.isCurrent(stored)).toBe(true);
  });

  it('reads values of previous keys and of the v1 format', () => {
    const a = KeyEncryption.fromSecret(KEY_A);
    const fromA = a.encrypt(secret);
    const v1FromA = v1Encrypt(KEY_A, secret);
    expect(a.decrypt(v1FromA)).toEqual(secret);
    expect(a.isCurrent(v1FromA)).toBe(false);

    const rotated = KeyEncryption.fromSecrets({
      current: KEY_B,
      previous: [KEY_A],
    });
    expect(rotated.keyId).toBe(KeyEncryption.fromSecret(KEY_B).keyId);
    expect(rotated.decrypt(fromA)).toEqual(secret);
    expect(rotated.decrypt(v1FromA)).toEqual(secret);
    expect(rotated.decrypt(v1Encrypt(KEY_B, secret))).toEqual(secret);
    expect(rotated.isCurrent(fromA)).toBe(false);
    expect(rotated.isCurrent(rotated.encrypt(secret))).toBe(true);
  });

  it('names the keys when it cannot decrypt', () => {
    const b = KeyEncryption.fromSecret(KEY_B);
    const fromA = KeyEncryption.fromSecret(KEY_A).encrypt(secret);
    expect(() => b.decrypt(fromA)).toThrow(
      `Cannot decrypt the built-in CA key: it was stored with key ${
        fromA.split(':')[1]
      }, which is neither certificates.builtinCa.encryptionKey (key ${
        b.keyId
      }) nor one of certificates.builtinCa.previousEncryptionKeys`,
    );
    expect(() => b.decrypt(v1Encrypt(KEY_A, secret))).toThrow(
      /Cannot decrypt the built-in CA key: neither certificates.builtinCa.encryptionKey nor any of certificates.builtinCa.previousEncryptionKeys/,
    );
    expect(() => b.decrypt('v3:abc')).toThrow(
      'Unrecognised encrypted key format',
    );
  });

  it('refuses a value whose header or ciphertext was altered', () => {
    const rotated = KeyEncryption.fromSecrets({
      current: KEY_B,
      previous: [KEY_A],
    });
    const fromA = KeyEncryption.fromSecret(KEY_A).encrypt(secret);
    const parts = fromA.split(':');
    // The same ciphertext presented under the current key's id.
    const relabelled = ['v2', rotated.keyId, ...parts.slice(2)].join(':');
    expect(() => rotated.decrypt(relabelled)).toThrow(/is damaged/);
    const flipped = Buffer.from(parts[4], 'base64');
    flipped[0] ^= 1;
    expect(() =>
      rotated.decrypt(
        [...parts.slice(0, 4), flipped.toString('base64')].join(':'),
      ),
    ).toThrow(/is damaged/);
  });
});

describe('resolveKeyEncryption', () => {
  const logger = mockServices.logger.mock();
  const keySettings = (builtinCa: Partial<KeyEncryptionSettings>) => ({
    previousEncryptionKeys: [],
    requireEncryptionKey: false,
    ...builtinCa,
  });

  it.each([
    [
      'NODE_ENV=production',
      {},
      { production: true },
      /^certificates\.builtinCa\.encryptionKey is required with NODE_ENV=production: /,
    ],
    [
      'requireEncryptionKey',
      { requireEncryptionKey: true },
      { production: false },
      /^certificates\.builtinCa\.encryptionKey is required as certificates\.builtinCa\.requireEncryptionKey is true/,
    ],
  ])(
    'refuses without a key (%s) and writes no key file',
    async (_, builtinCa, options, error) => {
      const dataDir = tempDir();
      await expect(
        resolveKeyEncryption({
          settings: keySettings(builtinCa),
          logger,
          dataDir,
          ...options,
        }),
      ).rejects.toThrow(error);
      expect(fs.readdirSync(dataDir)).toEqual([]);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  );

  it('reads NODE_ENV when not told', async () => {
    const dataDir = tempDir();
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await expect(
        resolveKeyEncryption({ settings: keySettings({}), logger, dataDir }),
      ).rejects.toThrow(
        /certificates\.builtinCa\.encryptionKey is required with NODE_ENV=production/,
      );
    } finally {
      process.env.NODE_ENV = before;
    }
    expect(fs.readdirSync(dataDir)).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([
    [
      { encryptionKey: 'short' },
      'certificates.builtinCa.encryptionKey must be at least 32 characters long',
    ],
    [
      { encryptionKey: KEY_B, previousEncryptionKeys: [KEY_A, 'short'] },
      'certificates.builtinCa.previousEncryptionKeys[1] must be at least 32 characters long',
    ],
    [
      { previousEncryptionKeys: [KEY_A] },
      'certificates.builtinCa.previousEncryptionKeys is set but certificates.builtinCa.encryptionKey is not: configure the key to encrypt with',
    ],
  ])('refuses the settings %p', async (builtinCa, error) => {
    await expect(
      resolveKeyEncryption({
        settings: keySettings(builtinCa),
        logger,
        dataDir: tempDir(),
        production: false,
      }),
    ).rejects.toThrow(error);
  });

  it('uses the configured keys in production', async () => {
    const encryption = await resolveKeyEncryption({
      settings: keySettings({
        encryptionKey: KEY_B,
        previousEncryptionKeys: [KEY_A],
      }),
      logger,
      production: true,
    });
    expect(encryption.keyId).toBe(KeyEncryption.fromSecret(KEY_B).keyId);
    const fromA = KeyEncryption.fromSecret(KEY_A).encrypt(Buffer.from('x'));
    expect(encryption.decrypt(fromA)).toEqual(Buffer.from('x'));
  });
});
