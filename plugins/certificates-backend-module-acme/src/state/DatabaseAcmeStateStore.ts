import {
  createCipheriv,
  createDecipheriv,
  hkdfSync,
  randomBytes,
} from 'node:crypto';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { AcmeOrderRecord, AcmeStateStore } from './AcmeStateStore';

type Knex = Awaited<ReturnType<DatabaseService['getClient']>>;

const ACCOUNTS = 'certificates_acme_accounts';
const ORDERS = 'certificates_acme_orders';
/** Orders older than this are forgotten; ACME servers expire them long before. */
const ORDER_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export interface DatabaseAcmeStateStoreOptions {
  knex: Knex;
  issuerId: string;
  /**
   * The secret the account key is encrypted with (the built-in CA's
   * `certificates.builtinCa.encryptionKey`). Without it the account key is
   * kept by `accountKeys` (a file on this machine) and never stored here.
   */
  encryptionKey?: string;
  accountKeys?: Pick<AcmeStateStore, 'getAccountKey' | 'saveAccountKey'>;
  now?: () => Date;
}

/**
 * One ACME issuer's state in the plugin database, shared by the replicas:
 * an order placed on one replica is resumed by a retry on another (one
 * certificate), and replicas generating an account key at the same time
 * end up with the first one stored.
 */
export class DatabaseAcmeStateStore implements AcmeStateStore {
  private constructor(
    private readonly options: DatabaseAcmeStateStoreOptions,
  ) {}

  static create(
    options: DatabaseAcmeStateStoreOptions,
  ): DatabaseAcmeStateStore {
    return new DatabaseAcmeStateStore(options);
  }

  /** True when the account key is shared through the database. */
  get sharesAccountKey(): boolean {
    return Boolean(this.options.encryptionKey);
  }

  async getAccountKey(): Promise<string | undefined> {
    const { knex, issuerId, encryptionKey, accountKeys } = this.options;
    if (!encryptionKey) return accountKeys?.getAccountKey();
    const row = await knex(ACCOUNTS).where({ issuer_id: issuerId }).first();
    return row ? this.decrypt(row.account_key_encrypted) : undefined;
  }

  /** The first key saved wins; read it back with getAccountKey. */
  async saveAccountKey(pem: string): Promise<void> {
    const { knex, issuerId, encryptionKey, accountKeys } = this.options;
    if (!encryptionKey) {
      if (!accountKeys) throw new Error('Nowhere to keep the ACME account key');
      await accountKeys.saveAccountKey(pem);
      return;
    }
    await knex(ACCOUNTS)
      .insert({
        issuer_id: issuerId,
        account_key_encrypted: this.encrypt(pem),
        created_at: this.now().toISOString(),
      })
      .onConflict('issuer_id')
      .ignore();
  }

  async getOrder(requestId: string): Promise<AcmeOrderRecord | undefined> {
    const row = await this.options
      .knex(ORDERS)
      .where({ issuer_id: this.options.issuerId, request_id: requestId })
      .first();
    return row
      ? {
          orderUrl: row.order_url,
          csrSha256: row.csr_sha256,
          createdAt: row.created_at,
        }
      : undefined;
  }

  async saveOrder(requestId: string, record: AcmeOrderRecord): Promise<void> {
    const { knex, issuerId } = this.options;
    await knex(ORDERS)
      .insert({
        issuer_id: issuerId,
        request_id: requestId,
        order_url: record.orderUrl,
        csr_sha256: record.csrSha256,
        created_at: record.createdAt,
      })
      .onConflict(['issuer_id', 'request_id'])
      .merge(['order_url', 'csr_sha256', 'created_at']);
    const cutoff = new Date(
      this.now().getTime() - ORDER_RETENTION_MS,
    ).toISOString();
    await knex(ORDERS).where('created_at', '<', cutoff).delete();
  }

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  private key(): Buffer {
    return Buffer.from(
      hkdfSync(
        'sha256',
        this.options.encryptionKey!,
        'certificates-acme-account-key',
        this.options.issuerId,
        32,
      ),
    );
  }

  private encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key(), iv);
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return ['v1', iv, cipher.getAuthTag(), data]
      .map(p => (typeof p === 'string' ? p : p.toString('base64')))
      .join(':');
  }

  private decrypt(stored: string): string {
    const [version, iv, tag, data] = stored.split(':');
    if (version !== 'v1' || !iv || !tag || !data) {
      throw new Error('The stored ACME account key has an unknown format');
    }
    const decipher = createDecipheriv(
      'aes-256-gcm',
      this.key(),
      Buffer.from(iv, 'base64'),
    );
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(data, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  }
}
