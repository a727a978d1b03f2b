import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import {
  CertificateIssuer,
  IssuedCertificate,
  IssueRequest,
} from '@kubecerts/backstage-plugin-certificates-node';
import { Knex } from 'knex';
import { transactionOf, UnitOfWork } from '../database/unitOfWork';
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { DAY, importSigningKey } from './caCertificates';
import { BuiltinCrl, PublishedCrl } from './BuiltinCrl';
import { CaRow, loadOrCreateCa, reencryptCaKeys } from './caRecord';
import { KeyEncryptionSettings, resolveKeyEncryption } from './keyEncryption';
import { describeIssuedLeaf, issuerName } from './issuedLeaf';
import { LeafSigner, csrSubjectPublicKeyInfo, derToPem, x509 } from '../pki';
import { insertRows } from '../database';
import type { SignedCertificate as SignedInMemory } from '../issuing/issuanceTypes';

const ISSUED_TABLE = 'certificates_ca_issued';
const BACKDATE = 5 * 60 * 1000;

export const BUILTIN_ISSUER_ID = 'builtin';

interface IssuedRow {
  request_id: string;
  ca_id?: string;
  serial_number: string;
  chain_pem: string;
  public_key_sha256: string;
  not_before: string;
  not_after: string;
  revoked_at: string | null;
  revocation_reason: string | null;
}

const ISSUED_COLUMNS = [
  'request_id',
  'ca_id',
  'serial_number',
  'chain_pem',
  'public_key_sha256',
  'not_before',
  'not_after',
  'issued_at',
];

/**
 * A certificate signed but not yet recorded (see BuiltinCa.sign). Its
 * `leaf` holds the fields as the inventory would parse them (see
 * describeIssuedLeaf); absent when a name needs a real parse.
 */
export interface SignedCertificate extends SignedInMemory {
  /** SHA-256 of the certified SubjectPublicKeyInfo, hex. */
  publicKeySha256: string;
  issuedAt: string;
}

/** `certificates.builtinCa`, and where the CRL is published. */
export interface BuiltinCaSettings extends KeyEncryptionSettings {
  /** Named in the subjects of the CA certificates. */
  organization: string;
  /** `backend.baseUrl` without a trailing slash. */
  baseUrl: string;
}

export interface BuiltinCaOptions {
  knex: Knex;
  settings: BuiltinCaSettings;
  logger: LoggerService;
  /** Where the development encryption key lives; default the data folder. */
  dataDir?: string;
  /**
   * Whether this is a production start, which refuses to run without a
   * configured encryption key. Default: NODE_ENV is 'production'.
   */
  production?: boolean;
  now?: () => Date;
}

function describe(pem: string): NonNullable<IssuerInfo['caCertificate']> {
  const cert = new X509Certificate(pem);
  return {
    subject: cert.subject,
    fingerprintSha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    pem,
  };
}

/**
 * The built-in CA: a root and an issuing CA created on first start and kept
 * in the database, private keys encrypted. Signs leaf certificates for CSRs,
 * at most one per request id, and publishes a CRL.
 */
export class BuiltinCa implements CertificateIssuer {
  readonly id = BUILTIN_ISSUER_ID;
  private infoCache?: IssuerInfo;
  private readonly issuingNotAfter: number;
  /** The leaves' issuer name, as the inventory prints it. */
  private readonly issuerName: string;

  private constructor(
    private readonly knex: Knex,
    private readonly row: CaRow,
    private readonly signer: LeafSigner,
    private readonly published: BuiltinCrl,
    private readonly now: () => Date,
  ) {
    this.issuingNotAfter = new Date(
      new X509Certificate(row.issuing_certificate_pem).validTo,
    ).getTime();
    this.issuerName = issuerName(row.issuing_certificate_pem);
  }

  static async create(options: BuiltinCaOptions): Promise<BuiltinCa> {
    const now = options.now ?? (() => new Date());
    const encryption = await resolveKeyEncryption(options);
    const row = await reencryptCaKeys({
      knex: options.knex,
      logger: options.logger,
      encryption,
      row: await loadOrCreateCa({
        knex: options.knex,
        logger: options.logger,
        organization: options.settings.organization,
        id: BUILTIN_ISSUER_ID,
        encryption,
        now: now(),
      }),
    });
    const issuingKeyDer = encryption.decrypt(row.issuing_key_encrypted);
    const issuing = new x509.X509Certificate(row.issuing_certificate_pem);
    const keyId = issuing.getExtension(
      x509.SubjectKeyIdentifierExtension,
    )?.keyId;
    if (!keyId) {
      throw new Error('The built-in issuing CA has no subject key identifier');
    }
    const signer = LeafSigner.create({
      issuerCertificate: Buffer.from(issuing.rawData),
      issuerKeyId: Buffer.from(keyId, 'hex'),
      signingKey: createPrivateKey({
        key: issuingKeyDer,
        format: 'der',
        type: 'pkcs8',
      }),
      crlUrl: `${options.settings.baseUrl}/api/certificates/crl/${BUILTIN_ISSUER_ID}`,
    });
    const crlKey = await importSigningKey(issuingKeyDer);
    issuingKeyDer.fill(0);
    const crl = BuiltinCrl.create({
      knex: options.knex,
      caId: BUILTIN_ISSUER_ID,
      issuingCertificatePem: row.issuing_certificate_pem,
      issuingKeyId: keyId,
      signingKey: crlKey,
      now,
    });
    return new BuiltinCa(options.knex, row, signer, crl, now);
  }

  get rootCertificatePem(): string {
    return this.row.root_certificate_pem;
  }

  get issuingCertificatePem(): string {
    return this.row.issuing_certificate_pem;
  }

  async info(): Promise<IssuerInfo> {
    this.infoCache ??= {
      id: this.id,
      type: 'builtin',
      displayName: 'Built-in CA',
      caCertificate: describe(this.row.root_certificate_pem),
      supportsRevocation: true,
      deliveries: ['csr', 'secret'],
    };
    return this.infoCache;
  }

  /** Its record lives in the plugin database, so issuing can join the request's transaction. */
  readonly joinsTransactions = true;

  /**
   * Signs a certificate in memory and records nothing: it exists for no one
   * until `recordIssued` commits its record (a rolled-back one is never
   * published). Throws when the CSR carries no usable public key.
   */
  sign(request: IssueRequest): SignedCertificate {
    const spki = csrSubjectPublicKeyInfo(request.csrPem);
    const now = this.now();
    const notBefore = new Date(now.getTime() - BACKDATE);
    const notAfter = new Date(
      Math.min(
        notBefore.getTime() + request.validityDays * DAY,
        this.issuingNotAfter,
      ),
    );
    const signed = this.signer.sign({
      subjectPublicKeyInfo: spki,
      commonName: request.commonName,
      dnsNames: request.dnsNames,
      ipAddresses: request.ipAddresses,
      uris: request.uris,
      notBefore,
      notAfter,
      clientAuth: request.clientAuth,
    });
    return {
      requestId: request.requestId,
      chainPem: derToPem(signed.der) + this.row.issuing_certificate_pem,
      serialNumber: signed.serialNumber,
      notBefore: notBefore.toISOString(),
      notAfter: notAfter.toISOString(),
      publicKeySha256: createHash('sha256').update(spki).digest('hex'),
      issuedAt: now.toISOString(),
      leaf: describeIssuedLeaf({
        der: signed.der,
        serialNumber: signed.serialNumber,
        notBefore,
        notAfter,
        commonName: request.commonName,
        dnsNames: request.dnsNames,
        ipAddresses: request.ipAddresses,
        uris: request.uris,
        subjectKey: signed.subjectKey,
        issuer: this.issuerName,
      }),
    };
  }

  /**
   * Records certificates from `sign` in one statement, in the caller's
   * transaction when given. Fails (and the transaction with it) when a
   * request already has a certificate: at most one per request id.
   */
  async recordIssued(
    certificates: SignedCertificate[],
    uow?: UnitOfWork,
  ): Promise<void> {
    await insertRows(
      transactionOf(uow) ?? this.knex,
      ISSUED_TABLE,
      ISSUED_COLUMNS,
      certificates.map(c => [
        c.requestId,
        this.id,
        c.serialNumber,
        c.chainPem,
        c.publicKeySha256,
        c.notBefore,
        c.notAfter,
        c.issuedAt,
      ]),
    );
  }

  /**
   * Signs and records the certificate. With `trx` the record commits (or
   * rolls back) with the caller's transaction.
   */
  async issue(
    request: IssueRequest,
    trx?: UnitOfWork,
  ): Promise<IssuedCertificate> {
    const signed = this.sign(request);
    try {
      await this.recordIssued([signed], trx);
      return toIssued(signed);
    } catch (error) {
      if (trx) {
        // The caller's transaction is spoiled; it rolls back and retries step by step.
        throw error;
      }
      // Issued before for this request (a retry or a concurrent call): the
      // first certificate stands; the one just signed is never published.
      const earlier = await this.findByRequest(request.requestId);
      if (!earlier) {
        throw error;
      }
      if (earlier.public_key_sha256 !== signed.publicKeySha256) {
        throw new ConflictError(
          `Request ${request.requestId} was already issued a certificate for a different key`,
        );
      }
      return toIssued({
        chainPem: earlier.chain_pem,
        serialNumber: earlier.serial_number,
        notBefore: earlier.not_before,
        notAfter: earlier.not_after,
      });
    }
  }

  /** The certificate issued for a request, if any. */
  async findByRequest(requestId: string): Promise<IssuedRow | undefined> {
    return this.knex<IssuedRow>(ISSUED_TABLE)
      .where({ request_id: requestId })
      .first();
  }

  async revoke(options: {
    serialNumber: string;
    chainPem?: string;
    reason?: string;
  }): Promise<void> {
    const updated = await this.knex(ISSUED_TABLE)
      .where({
        ca_id: this.id,
        serial_number: options.serialNumber.toUpperCase(),
      })
      .whereNull('revoked_at')
      .update({
        revoked_at: this.now().toISOString(),
        revocation_reason: options.reason ?? null,
      });
    if (!updated) {
      const exists = await this.knex(ISSUED_TABLE)
        .where({
          ca_id: this.id,
          serial_number: options.serialNumber.toUpperCase(),
        })
        .first();
      if (!exists) {
        throw new NotFoundError(
          `No certificate with serial ${options.serialNumber} was issued by the built-in CA`,
        );
      }
    }
  }

  /** The current CRL, DER. */
  async crl(): Promise<Buffer> {
    return (await this.published.current()).der;
  }

  /** The current CRL with its ETag (see BuiltinCrl). */
  publishedCrl(): Promise<PublishedCrl> {
    return this.published.current();
  }
}

function toIssued(c: IssuedCertificate): IssuedCertificate {
  return {
    chainPem: c.chainPem,
    serialNumber: c.serialNumber,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
  };
}
