import { X509Certificate } from 'node:crypto';
import type https from 'node:https';
import * as acme from 'acme-client';
import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, ServiceUnavailableError } from '@backstage/errors';
import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import {
  CertificateIssuer,
  IssuedCertificate,
  IssueRequest,
} from '@kubecerts/backstage-plugin-certificates-node';
import { AcmeChallenge, ChallengeSolver } from '../challenges';
import { createTrustAgent, getText, trustOriginForAcme } from '../http';
import { AcmeStateStore } from '../state';
import { describeAcmeFailure } from './errors';
import { csrDer, csrPublicKeyDer, sha256Hex, splitCertificates } from './pem';
import { revocationReasonCode } from './revocationReasons';
import {
  AcmeIdentifier,
  checkCsrNames,
  describeCertificate,
  identifiersOf,
  normaliseSerial,
  toIssued,
} from './orderChecks';

export { assertPrivateKeyPem } from './orderChecks';

export interface AcmeIssuerOptions {
  id: string;
  displayName: string;
  directoryUrl: string;
  /** Contact for the ACME account (expiry mails, policy notices). */
  email?: string;
  termsOfServiceAgreed: boolean;
  /** Account key PEM; when absent one is generated and kept in `state`. */
  accountKeyPem?: string;
  externalAccountBinding?: { kid: string; hmacKey: string };
  /** Extra CA certificates (PEM) trusted for the ACME server's TLS. */
  caBundle?: string;
  /** The CA's root certificate for info(), given inline... */
  caCertificatePem?: string;
  /** ...or fetched from a URL (pebble: `https://<management>/roots/0`). */
  caCertificateUrl?: string;
  /** Issuer common name of the chain to prefer when the CA offers several. */
  preferredChain?: string;
  solver: ChallengeSolver;
  state: AcmeStateStore;
  logger: LoggerService;
  /** Polling of pending orders/challenges; defaults suit public CAs. */
  polling?: { attempts: number; minMs: number; maxMs: number };
  /** Timeout of the reachability check before each operation. */
  reachabilityTimeoutMs?: number;
}

const CA_CERTIFICATE_CACHE_MS = 60 * 60 * 1000;

/**
 * A CertificateIssuer backed by an ACME account (Let's Encrypt, pebble,
 * step-ca, ...). Finalizes orders with the requester's CSR, so the key never
 * leaves where it was made. One order per request id: the order URL is kept in
 * the state store before challenges start, so a retry resumes or re-downloads
 * instead of ordering again.
 */
export class AcmeIssuer implements CertificateIssuer {
  readonly id: string;
  readonly #options: AcmeIssuerOptions;
  readonly #agent?: https.Agent;
  #client?: Promise<acme.Client>;
  #caCertificate?: { pem: string; fetchedAt: number };
  readonly #inFlight = new Map<string, Promise<IssuedCertificate>>();

  static create(options: AcmeIssuerOptions): AcmeIssuer {
    return new AcmeIssuer(options);
  }

  private constructor(options: AcmeIssuerOptions) {
    this.id = options.id;
    this.#options = options;
    this.#agent = createTrustAgent(options.caBundle);
    trustOriginForAcme(options.directoryUrl, this.#agent);
  }

  async info(): Promise<IssuerInfo> {
    const pem = await this.#caCertificatePem();
    return {
      id: this.id,
      type: 'acme',
      displayName: this.#options.displayName,
      caCertificate: pem ? describeCertificate(pem) : undefined,
      supportsRevocation: true,
      deliveries: ['csr', 'secret'],
    };
  }

  issue(request: IssueRequest): Promise<IssuedCertificate> {
    // Concurrent calls for one request share the same order.
    const running = this.#inFlight.get(request.requestId);
    if (running) {
      return running;
    }
    const promise = this.#issue(request).finally(() =>
      this.#inFlight.delete(request.requestId),
    );
    this.#inFlight.set(request.requestId, promise);
    return promise;
  }

  async revoke(options: {
    serialNumber: string;
    chainPem: string;
    reason?: string;
  }): Promise<void> {
    const [leaf] = splitCertificates(options.chainPem);
    if (!leaf) {
      throw new InputError('No certificate to revoke in chainPem');
    }
    if (
      normaliseSerial(new X509Certificate(leaf).serialNumber) !==
      normaliseSerial(options.serialNumber)
    ) {
      throw new InputError(
        `Serial number ${options.serialNumber} does not match the certificate in chainPem`,
      );
    }
    await this.#run('revoke the certificate', async () => {
      const client = await this.#getClient();
      const reason = revocationReasonCode(options.reason);
      try {
        await client.revokeCertificate(
          leaf,
          reason === undefined ? {} : { reason },
        );
      } catch (e) {
        // Revoking twice is not an error for the caller.
        if (/already (been )?revoked/i.test((e as Error).message)) {
          return;
        }
        throw e;
      }
      this.#options.logger.info(
        `ACME issuer '${this.id}' revoked certificate ${options.serialNumber}`,
      );
    });
  }

  async #issue(request: IssueRequest): Promise<IssuedCertificate> {
    const identifiers = identifiersOf(request);
    const der = csrDer(request.csrPem);
    checkCsrNames(request.csrPem, identifiers);
    const csrSha256 = sha256Hex(der);

    return this.#run('issue the certificate', async () => {
      const client = await this.#getClient();
      const { state, logger, preferredChain } = this.#options;

      let order: acme.Order | undefined;
      const previous = await state.getOrder(request.requestId);
      if (previous && previous.csrSha256 === csrSha256) {
        order = await this.#resumableOrder(client, previous.orderUrl);
      }
      if (!order) {
        order = await client.createOrder({ identifiers });
        await state.saveOrder(request.requestId, {
          orderUrl: order.url,
          csrSha256,
          createdAt: new Date().toISOString(),
        });
        logger.info(
          `ACME issuer '${this.id}' placed order ${order.url} for request ${request.requestId}`,
        );
      } else {
        logger.info(
          `ACME issuer '${this.id}' resumes order ${order.url} (${order.status}) for request ${request.requestId}`,
        );
      }

      if (order.status === 'pending') {
        await this.#authorize(client, order);
        // The polled body carries no url; keep the one we know.
        order = { ...(await client.waitForValidStatus(order)), url: order.url };
      }
      if (order.status === 'ready') {
        order = await client.finalizeOrder(order, request.csrPem);
      }
      const chainPem = await client.getCertificate(order, preferredChain);
      return toIssued(chainPem, csrPublicKeyDer(der));
    });
  }

  /** The remembered order when it can still lead to a certificate. */
  async #resumableOrder(client: acme.Client, url: string) {
    try {
      const order = await client.getOrder({ url } as acme.Order);
      return order.status === 'invalid' ? undefined : order;
    } catch (e) {
      this.#options.logger.warn(
        `ACME issuer '${this.id}' cannot resume order ${url}, ordering again: ${
          (e as Error).message
        }`,
      );
      return undefined;
    }
  }

  async #authorize(client: acme.Client, order: acme.Order) {
    const { solver } = this.#options;
    const authorizations = await client.getAuthorizations(order);
    for (const authz of authorizations) {
      if (authz.status === 'valid') {
        continue;
      }
      const challenge = authz.challenges.find(c => c.type === solver.type);
      if (!challenge) {
        throw new InputError(
          `ACME server offers no ${solver.type} challenge for ${
            authz.identifier.value
          } (offers: ${authz.challenges.map(c => c.type).join(', ')})`,
        );
      }
      const domain = authz.identifier.value.replace(/^\*\./, '');
      const answer: AcmeChallenge = {
        type: solver.type,
        identifier: authz.identifier as AcmeIdentifier,
        token: challenge.token,
        keyAuthorization: await client.getChallengeKeyAuthorization(challenge),
        dnsRecordName:
          solver.type === 'dns-01' ? `_acme-challenge.${domain}` : undefined,
      };
      await solver.present(answer);
      try {
        await client.completeChallenge(challenge);
        await client.waitForValidStatus(challenge);
      } finally {
        await solver
          .cleanup(answer)
          .catch(e =>
            this.#options.logger.warn(
              `ACME issuer '${this.id}' could not clean up the ${solver.type} challenge for ${domain}: ${e}`,
            ),
          );
      }
    }
  }

  /** Checks the directory answers, then runs `fn`, translating failures. */
  async #run<T>(action: string, fn: () => Promise<T>): Promise<T> {
    const { directoryUrl } = this.#options;
    try {
      await this.#checkReachable();
      return await fn();
    } catch (error) {
      throw describeAcmeFailure({
        issuerId: this.id,
        directoryUrl,
        action,
        error,
      });
    }
  }

  /**
   * A quick GET of the directory without retries. acme-client retries a
   * refused connection with growing pauses for over a minute; this check turns
   * an outage or a wrong URL into an immediate, clear error instead.
   */
  async #checkReachable() {
    const { directoryUrl, reachabilityTimeoutMs } = this.#options;
    const res = await getText(directoryUrl, {
      agent: this.#agent,
      timeoutMs: reachabilityTimeoutMs ?? 10_000,
    });
    let directory: { newOrder?: unknown } | undefined;
    try {
      directory = JSON.parse(res.body);
    } catch {
      directory = undefined;
    }
    if (res.status !== 200 || typeof directory?.newOrder !== 'string') {
      throw new ServiceUnavailableError(
        `ACME issuer '${this.id}': ${directoryUrl} is not an ACME directory (HTTP ${res.status}); check directoryUrl`,
      );
    }
  }

  #getClient(): Promise<acme.Client> {
    if (!this.#client) {
      this.#client = this.#createClient();
      // A failed registration is retried on the next call.
      this.#client.catch(() => {
        this.#client = undefined;
      });
    }
    return this.#client;
  }

  async #createClient(): Promise<acme.Client> {
    const o = this.#options;
    const accountKey = o.accountKeyPem ?? (await this.#storedAccountKey());
    const polling = o.polling ?? { attempts: 10, minMs: 1000, maxMs: 30_000 };
    const client = new acme.Client({
      directoryUrl: o.directoryUrl,
      accountKey,
      externalAccountBinding: o.externalAccountBinding,
      backoffAttempts: polling.attempts,
      backoffMin: polling.minMs,
      backoffMax: polling.maxMs,
    });
    await client.createAccount({
      termsOfServiceAgreed: o.termsOfServiceAgreed,
      contact: o.email ? [`mailto:${o.email}`] : undefined,
    });
    o.logger.info(
      `ACME issuer '${this.id}' uses account ${client.getAccountUrl()}`,
    );
    return client;
  }

  async #storedAccountKey(): Promise<string> {
    const stored = await this.#options.state.getAccountKey();
    if (stored) {
      return stored;
    }
    const key = (await acme.crypto.createPrivateEcdsaKey('P-256')).toString();
    await this.#options.state.saveAccountKey(key);
    // Another replica may have stored its key first: everyone uses that one.
    const kept = (await this.#options.state.getAccountKey()) ?? key;
    if (kept === key) {
      this.#options.logger.info(
        `ACME issuer '${this.id}' generated a new account key`,
      );
    }
    return kept;
  }

  async #caCertificatePem(): Promise<string | undefined> {
    const { caCertificatePem, caCertificateUrl, logger } = this.#options;
    if (caCertificatePem) {
      return caCertificatePem;
    }
    if (!caCertificateUrl) {
      return undefined;
    }
    const cached = this.#caCertificate;
    if (cached && Date.now() - cached.fetchedAt < CA_CERTIFICATE_CACHE_MS) {
      return cached.pem;
    }
    try {
      const res = await getText(caCertificateUrl, {
        agent: this.#agent,
        timeoutMs: 5_000,
      });
      const [pem] = res.status === 200 ? splitCertificates(res.body) : [];
      if (!pem) {
        throw new Error(`HTTP ${res.status}, no PEM certificate`);
      }
      this.#caCertificate = { pem, fetchedAt: Date.now() };
      return pem;
    } catch (e) {
      // info() feeds listings; a CA that is down must not break them.
      logger.warn(
        `ACME issuer '${
          this.id
        }' could not fetch its CA certificate from ${caCertificateUrl}: ${
          (e as Error).message
        }`,
      );
      return cached?.pem;
    }
  }
}
