import fs from 'node:fs/promises';
import path from 'node:path';
import { AcmeOrderRecord, AcmeStateStore } from './AcmeStateStore';

/** Orders older than this are forgotten; ACME servers expire them long before. */
const ORDER_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

const ACCOUNT_KEY_FILE = 'account-key.pem';
const ORDERS_FILE = 'orders.json';

/**
 * Keeps one issuer's state in `<dataDir>/acme/<issuerId>/`: `account-key.pem`
 * (mode 0600) and `orders.json`. Files are replaced atomically (write + rename).
 * State is per machine: replicas that should share an account need the account
 * key in config, and a retry on another replica orders again.
 */
export class FileAcmeStateStore implements AcmeStateStore {
  readonly #dir: string;
  #orders?: Record<string, AcmeOrderRecord>;
  #writes: Promise<void> = Promise.resolve();

  static create(options: { dataDir: string; issuerId: string }): FileAcmeStateStore {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.issuerId)) {
      throw new Error(`ACME issuer id '${options.issuerId}' is not a safe file name`);
    }
    return new FileAcmeStateStore(path.resolve(options.dataDir, 'acme', options.issuerId));
  }

  private constructor(dir: string) {
    this.#dir = dir;
  }

  /** The folder holding this issuer's files. */
  get directory(): string {
    return this.#dir;
  }

  async getAccountKey(): Promise<string | undefined> {
    return readIfExists(path.join(this.#dir, ACCOUNT_KEY_FILE));
  }

  async saveAccountKey(pem: string): Promise<void> {
    await this.#write(ACCOUNT_KEY_FILE, pem, 0o600);
  }

  async getOrder(requestId: string): Promise<AcmeOrderRecord | undefined> {
    const orders = await this.#loadOrders();
    return Object.prototype.hasOwnProperty.call(orders, requestId)
      ? orders[requestId]
      : undefined;
  }

  async saveOrder(requestId: string, record: AcmeOrderRecord): Promise<void> {
    const orders = await this.#loadOrders();
    orders[requestId] = record;
    const cutoff = Date.now() - ORDER_RETENTION_MS;
    for (const [id, r] of Object.entries(orders)) {
      if (Date.parse(r.createdAt) < cutoff) {
        delete orders[id];
      }
    }
    await this.#write(ORDERS_FILE, JSON.stringify(orders, null, 2), 0o600);
  }

  async #loadOrders(): Promise<Record<string, AcmeOrderRecord>> {
    if (!this.#orders) {
      const text = await readIfExists(path.join(this.#dir, ORDERS_FILE));
      this.#orders = text ? JSON.parse(text) : {};
    }
    return this.#orders!;
  }

  /** Serialised so two saves never interleave their temp files. */
  #write(name: string, content: string, mode: number): Promise<void> {
    const next = this.#writes.then(async () => {
      await fs.mkdir(this.#dir, { recursive: true, mode: 0o700 });
      const target = path.join(this.#dir, name);
      const tmp = `${target}.${process.pid}.tmp`;
      await fs.writeFile(tmp, content, { mode });
      await fs.rename(tmp, target);
    });
    this.#writes = next.catch(() => undefined);
    return next;
  }
}

async function readIfExists(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      return undefined;
    }
    throw e;
  }
}
