import { Knex } from 'knex';
import { CA_SIGNING_ALGORITHM } from './caCertificates';
import { x509 } from '../pki';

const ISSUED_TABLE = 'certificates_ca_issued';
const CRL_LIFETIME = 24 * 60 * 60 * 1000;
const CRL_REFRESH = 60 * 60 * 1000;

/** A CRL and the tag that changes exactly when its content may have. */
export interface PublishedCrl {
  der: Buffer;
  /**
   * A weak ETag: the revocations it lists (their count and latest time)
   * and the hour it was built in. Every replica computes the same tag for
   * the same revocations, although their signatures differ byte for byte.
   */
  etag: string;
}

export interface BuiltinCrlOptions {
  knex: Knex;
  caId: string;
  issuingCertificatePem: string;
  issuingKeyId: string;
  signingKey: CryptoKey;
  now: () => Date;
}

/**
 * The built-in CA's CRL, built from the revocations in the database. The
 * cache is keyed by the revocations' count and latest time, read on every
 * request, so a revocation made on any replica is on every replica's CRL
 * at once; without a revocation it is rebuilt hourly (it lives a day).
 */
export class BuiltinCrl {
  private cache?: PublishedCrl & { key: string };

  private constructor(private readonly options: BuiltinCrlOptions) {}

  static create(options: BuiltinCrlOptions): BuiltinCrl {
    return new BuiltinCrl(options);
  }

  async current(): Promise<PublishedCrl> {
    const { knex, caId } = this.options;
    const now = this.options.now();
    const state = await knex(ISSUED_TABLE)
      .where({ ca_id: caId })
      .whereNotNull('revoked_at')
      .count({ count: '*' })
      .max({ latest: 'revoked_at' })
      .first();
    const count = Number(state?.count ?? 0);
    const latest = state?.latest ? Date.parse(String(state.latest)) : 0;
    const hour = Math.floor(now.getTime() / CRL_REFRESH);
    const key = `${count}-${latest}-${hour}`;
    if (this.cache?.key === key) return this.cache;
    const der = await this.build(now, hour);
    this.cache = { key, der, etag: `W/"crl-${key}"` };
    return this.cache;
  }

  private async build(now: Date, hour: number): Promise<Buffer> {
    const { knex, caId } = this.options;
    const revoked = await knex(ISSUED_TABLE)
      .where({ ca_id: caId })
      .whereNotNull('revoked_at')
      .orderBy('serial_number')
      .select('serial_number', 'revoked_at', 'revocation_reason');
    // Monotonic per hour and per revocation, and the same on every replica.
    const crlNumber = hour * 10_000 + (revoked.length % 10_000);
    const crl = await x509.X509CrlGenerator.create({
      issuer: new x509.X509Certificate(this.options.issuingCertificatePem)
        .subject,
      thisUpdate: now,
      nextUpdate: new Date(now.getTime() + CRL_LIFETIME),
      signingAlgorithm: CA_SIGNING_ALGORITHM,
      signingKey: this.options.signingKey,
      extensions: [
        new x509.AuthorityKeyIdentifierExtension(this.options.issuingKeyId),
        new x509.Extension(
          '2.5.29.20',
          false,
          new Uint8Array(crlNumberValue(crlNumber)),
        ),
      ],
      entries: revoked.map(r => ({
        serialNumber: r.serial_number,
        revocationDate: new Date(r.revoked_at),
        reason: crlReason(r.revocation_reason),
      })),
    });
    return Buffer.from(crl.rawData);
  }
}

function crlNumberValue(n: number): Buffer {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) {
    bytes.unshift(v % 256);
  }
  if (bytes[0] & 0x80) {
    bytes.unshift(0);
  }
  return Buffer.from([0x02, bytes.length, ...bytes]);
}

function crlReason(reason: string | null): x509.X509CrlReason | undefined {
  if (!reason) {
    return undefined;
  }
  const value = (x509.X509CrlReason as unknown as Record<string, number>)[
    reason
  ];
  return typeof value === 'number' ? value : undefined;
}
