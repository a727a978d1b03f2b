import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { Knex } from 'knex';
import {
  createCipheriv,
  createHash,
  randomBytes,
  X509Certificate,
} from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseSuite, issueTestLeaf } from '../__testUtils__';
import { BuiltinCa } from './BuiltinCa';
import { KeyEncryption } from './keyEncryption';
import { pemBlocks } from '../pki';
import { readCertificatesSettings } from '../config';

const KEY_A = 'first-encryption-key-of-at-least-32-chars';
const KEY_B = 'second-encryption-key-of-at-least-32-chars';

/** The built-in CA's settings from `certificates.builtinCa`. */
const caSettings = (builtinCa: JsonObject) =>
  readCertificatesSettings(config(builtinCa)).builtinCa;

function config(builtinCa: JsonObject) {
  return new ConfigReader({
    backend: { baseUrl: 'http://localhost:7007' },
    certificates: { builtinCa },
  });
}

/** How the first version stored a key: AES-GCM under SHA-256 of the secret. */
function v1Encrypt(secret: string, plaintext: Buffer): string {
  const key = createHash('sha256').update(secret).digest();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [
    'v1',
    ...[iv, cipher.getAuthTag(), ciphertext].map(p => p.toString('base64')),
  ].join(':');
}

async function issuesAChainToItsRoot(ca: BuiltinCa, requestId: string) {
  const issued = await issueTestLeaf(ca, requestId);
  const [leaf, issuing] = pemBlocks(issued.chainPem).map(
    b => new X509Certificate(b.der),
  );
  expect(leaf.verify(issuing.publicKey)).toBe(true);
  expect(
    issuing.verify(new X509Certificate(ca.rootCertificatePem).publicKey),
  ).toBe(true);
}

describe('BuiltinCa encryption keys', () => {
  const db = databaseSuite();

  const dataDirs: string[] = [];
  afterEach(() => {
    for (const dir of dataDirs.splice(0)) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** The test's database and an empty data directory, removed after the test. */
  async function withDataDir(knex: Knex) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'certificates-ca-'));
    dataDirs.push(dataDir);
    return { knex, dataDir };
  }

  /** The stored CA row rewritten in the v1 format, as an existing database holds it. */
  async function storeAsV1(knex: Knex, secret: string) {
    const encryption = KeyEncryption.fromSecret(secret);
    const row = await knex('certificates_ca').where({ id: 'builtin' }).first();
    await knex('certificates_ca')
      .where({ id: 'builtin' })
      .update({
        root_key_encrypted: v1Encrypt(
          secret,
          encryption.decrypt(row.root_key_encrypted),
        ),
        issuing_key_encrypted: v1Encrypt(
          secret,
          encryption.decrypt(row.issuing_key_encrypted),
        ),
      });
  }

  db.test(
    'refuses to start without a configured key in production and stores nothing',
    async ({ knex }) => {
      const { dataDir } = await withDataDir(knex);
      const logger = mockServices.logger.mock();
      const noKey = config({});
      const productionStartWithoutKey = () =>
        BuiltinCa.create({
          knex,
          settings: readCertificatesSettings(noKey).builtinCa,
          logger,
          dataDir,
          production: true,
        });
      expect(await knex('certificates_ca')).toHaveLength(0);

      await expect(productionStartWithoutKey()).rejects.toThrow(
        /^certificates\.builtinCa\.encryptionKey is required with NODE_ENV=production: the built-in CA's private keys are stored encrypted with it/,
      );
      await expect(
        BuiltinCa.create({
          knex,
          settings: caSettings({ requireEncryptionKey: true }),
          logger,
          dataDir,
          production: false,
        }),
      ).rejects.toThrow(/certificates\.builtinCa\.encryptionKey is required/);
      expect(await knex('certificates_ca')).toHaveLength(0);
      expect(fs.readdirSync(dataDir)).toEqual([]);
      expect(logger.warn).not.toHaveBeenCalled();

      // An existing CA is not read (nor changed) without the key either.
      const ca = await BuiltinCa.create({
        knex,
        settings: caSettings({ encryptionKey: KEY_A }),
        logger,
      });
      const before = await knex('certificates_ca');
      await expect(productionStartWithoutKey()).rejects.toThrow(
        /encryptionKey is required/,
      );
      expect(await knex('certificates_ca')).toEqual(before);
      expect(before[0].root_certificate_pem).toBe(ca.rootCertificatePem);
    },
  );

  db.test(
    'requires a key on a database other than SQLite whatever NODE_ENV says',
    async ({ databaseId, knex }) => {
      // A shared database outlives any one instance's disk, and other
      // instances use it too: a key generated here would lock them out.
      const { dataDir } = await withDataDir(knex);
      const sqlite = databaseId === 'SQLITE_3';
      const outcome = await BuiltinCa.create({
        knex,
        settings: caSettings({}),
        logger: mockServices.logger.mock(),
        dataDir,
        production: false,
      }).then(
        () => 'started',
        (e: Error) => e.message,
      );
      const refused = expect.stringMatching(
        /^certificates\.builtinCa\.encryptionKey is required when the plugin database is not SQLite \(it is pg\)/,
      );
      expect(outcome).toEqual(sqlite ? 'started' : refused);
      expect(await knex('certificates_ca')).toHaveLength(sqlite ? 1 : 0);
      expect(fs.readdirSync(dataDir)).toEqual(
        sqlite ? ['certificates-ca-encryption.key'] : [],
      );
    },
  );

  db.test(
    'rotates: keys stored with a previous key are read and encrypted again with the current one',
    async ({ knex }) => {
      const logger = mockServices.logger.mock();
      const first = await BuiltinCa.create({
        knex,
        settings: caSettings({ encryptionKey: KEY_A }),
        logger,
        production: true,
      });
      await issuesAChainToItsRoot(first, 'before-rotation');
      const idA = KeyEncryption.fromSecret(KEY_A).keyId;
      const idB = KeyEncryption.fromSecret(KEY_B).keyId;
      const [storedWithA] = await knex('certificates_ca');
      expect(storedWithA.root_key_encrypted.startsWith(`v2:${idA}:`)).toBe(
        true,
      );

      // Without the previous key the CA cannot be read, and is left alone.
      await expect(
        BuiltinCa.create({
          knex,
          settings: caSettings({ encryptionKey: KEY_B }),
          logger,
        }),
      ).rejects.toThrow(`it was stored with key ${idA}`);
      expect(await knex('certificates_ca')).toEqual([storedWithA]);

      const rotated = await BuiltinCa.create({
        knex,
        settings: caSettings({
          encryptionKey: KEY_B,
          previousEncryptionKeys: [KEY_A],
        }),
        logger,
        production: true,
      });
      expect(rotated.rootCertificatePem).toBe(first.rootCertificatePem);
      expect(rotated.issuingCertificatePem).toBe(first.issuingCertificatePem);
      const [storedWithB] = await knex('certificates_ca');
      expect(storedWithB.root_key_encrypted.startsWith(`v2:${idB}:`)).toBe(
        true,
      );
      expect(storedWithB.issuing_key_encrypted.startsWith(`v2:${idB}:`)).toBe(
        true,
      );
      expect(JSON.stringify(storedWithB)).not.toMatch(/PRIVATE KEY/);
      expect(logger.info).toHaveBeenCalledWith(
        `Encrypted the built-in CA's keys again with the current key ${idB}`,
      );
      await issuesAChainToItsRoot(rotated, 'after-rotation');

      // The old key can go: the new one alone reads the CA; the old one no more.
      const newOnly = await BuiltinCa.create({
        knex,
        settings: caSettings({ encryptionKey: KEY_B }),
        logger,
      });
      await issuesAChainToItsRoot(newOnly, 'new-key-only');
      await expect(
        BuiltinCa.create({
          knex,
          settings: caSettings({ encryptionKey: KEY_A }),
          logger,
        }),
      ).rejects.toThrow(/Cannot decrypt the built-in CA key/);
    },
  );

  db.test(
    'reads v1 values of existing databases and stores them as v2 at start, once across instances',
    async ({ knex }) => {
      const created = await BuiltinCa.create({
        knex,
        settings: caSettings({ encryptionKey: KEY_A }),
        logger: mockServices.logger.mock(),
      });
      await storeAsV1(knex, KEY_A);
      const [v1Row] = await knex('certificates_ca');
      expect(v1Row.root_key_encrypted).toMatch(/^v1:[^:]+:[^:]+:[^:]+$/);

      // Same key: read and upgraded.
      const upgraded = await BuiltinCa.create({
        knex,
        settings: caSettings({ encryptionKey: KEY_A }),
        logger: mockServices.logger.mock(),
      });
      expect(upgraded.rootCertificatePem).toBe(created.rootCertificatePem);
      const idA = KeyEncryption.fromSecret(KEY_A).keyId;
      expect((await knex('certificates_ca'))[0].issuing_key_encrypted).toMatch(
        new RegExp(`^v2:${idA}:`),
      );
      await issuesAChainToItsRoot(upgraded, 'upgraded');

      // A v1 value under a key that is now the previous one, and three
      // instances starting at once: one writes, all agree.
      await storeAsV1(knex, KEY_A);
      const loggers = [1, 2, 3].map(() => mockServices.logger.mock());
      const rotatedConfig = config({
        encryptionKey: KEY_B,
        previousEncryptionKeys: [KEY_A],
      });
      const instances = await Promise.all(
        loggers.map(logger =>
          BuiltinCa.create({
            knex,
            settings: readCertificatesSettings(rotatedConfig).builtinCa,
            logger,
          }),
        ),
      );
      expect(new Set(instances.map(i => i.rootCertificatePem))).toEqual(
        new Set([created.rootCertificatePem]),
      );
      const reencryptions = loggers.flatMap(l =>
        (l.info as jest.Mock).mock.calls.filter(([m]) =>
          /Encrypted the built-in CA's keys again/.test(m),
        ),
      );
      expect(reencryptions).toHaveLength(1);
      const rows = await knex('certificates_ca');
      expect(rows).toHaveLength(1);
      const idB = KeyEncryption.fromSecret(KEY_B).keyId;
      expect(rows[0].root_key_encrypted).toMatch(new RegExp(`^v2:${idB}:`));
      expect(rows[0].issuing_key_encrypted).toMatch(new RegExp(`^v2:${idB}:`));
      for (const [i, instance] of instances.entries()) {
        await issuesAChainToItsRoot(instance, `instance-${i}`);
      }
    },
  );
});
