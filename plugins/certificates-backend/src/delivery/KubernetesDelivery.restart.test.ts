import { simulatorWithNamespaces } from '../__testUtils__/simulator';
import { CertificateRequest } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import {
  createPrivateKey,
  createPublicKey,
  X509Certificate,
} from 'node:crypto';
import {
  DatabaseId,
  migratedDatabase,
  newRequest,
  testDatabases,
} from '../__testUtils__';
import {
  attemptUnderLease,
  certificateOf,
  deliverySetup,
} from './__testUtils__/deliverySetup';
import type { Issued } from '../issuing/issuanceTypes';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { DatabaseRequestStore } from '../requests';
import { generateKeyAndCsr } from './keyAndCsr';
import {
  PENDING_KEY_LABEL,
  pendingKeySecretName,
  REQUEST_ID_LABEL,
} from './KubernetesDelivery';

/** What a process dying at that point looks like to the code that was running. */
class Crash extends Error {}

/**
 * Secret delivery survives a restart at every step: the process dies, a new
 * one (new service objects over the same database and cluster) resumes the
 * stuck request, and it ends issued exactly once, with one certificate whose
 * key is the one in the Secret; no key ever reaches the database.
 */
describe('Secret delivery resumed after a restart', () => {
  const databases = testDatabases();
  let simulator: KubernetesApiSimulator;

  beforeAll(async () => {
    simulator = await simulatorWithNamespaces();
    // Everything but delete on Secrets: the pending key cannot be removed.
    simulator.addToken(
      'no-delete',
      [
        {
          verbs: ['get', 'list', 'watch', 'create', 'update', 'patch'],
          resources: ['*'],
        },
      ],
      { user: 'no-delete' },
    );
  });
  afterAll(async () => {
    await simulator.stop();
  });

  /** One backend process: its own CA, store, delivery and issuance objects. */
  async function startProcess(
    knex: Knex,
    options: { token?: string; minutesLater?: number; leaseMs?: number } = {},
  ) {
    const { ca, store, issuers, kubernetes, issuance } = await deliverySetup(
      knex,
      simulator,
      {
        token: options.token,
        // Resumed later than the stuck threshold (one minute) and the lease.
        now: () => new Date(Date.now() + (options.minutesLater ?? 0) * 60_000),
        leaseMs: options.leaseMs,
      },
    );
    const deps = { store, issuers, strategy: kubernetes.strategies.secret };
    const deliverSecret = (
      request: CertificateRequest,
      sign: (csrPem: string) => Promise<Issued>,
    ) => attemptUnderLease(deps, request, { sign }).then(certificateOf);
    return { ca, store, kubernetes, issuance, deliverSecret };
  }

  async function submit(
    knex: Knex,
    target: string,
    renewalOf?: string,
  ): Promise<CertificateRequest> {
    return DatabaseRequestStore.create({ knex }).create(
      newRequest({
        delivery: {
          kind: 'secret',
          cluster: 'sim',
          namespace: 'payments',
          secretName: target,
        },
        renewalOf,
        state: 'issuing',
      }),
    );
  }

  function issueRequest(request: CertificateRequest, csrPem: string) {
    return {
      requestId: request.id,
      commonName: request.commonName,
      dnsNames: request.dnsNames,
      ipAddresses: [],
      uris: [],
      validityDays: request.validityDays,
      clientAuth: false,
      csrPem,
    };
  }

  /** The simulator is shared by both databases' runs: one Secret name each. */
  const secretName = (base: string, databaseId: string) =>
    `${base}-${databaseId.toLowerCase().replace(/_/g, '')}`;

  /**
   * A fresh database holding a request for the Secret `base` (named per
   * database), and the first process, the one that works on it.
   */
  async function firstAttempt(
    databaseId: DatabaseId,
    base: string,
    processOptions?: Parameters<typeof startProcess>[1],
  ) {
    const knex = await migratedDatabase(databases, databaseId);
    const target = secretName(base, databaseId);
    const request = await submit(knex, target);
    const first = await startProcess(knex, processOptions);
    return { knex, target, request, first };
  }

  /** Secret payments/`name` as the cluster holds it now. */
  const secretNamed = (name: string) =>
    simulator.get<any>('v1', 'Secret', 'payments', name);

  const pendingKey = (request: CertificateRequest) =>
    simulator.get<any>(
      'v1',
      'Secret',
      'payments',
      pendingKeySecretName(request),
    );

  /** The request as the database has it now. */
  const storedNow = async (knex: Knex, request: CertificateRequest) =>
    (await DatabaseRequestStore.create({ knex }).get(request.id))!;

  /** What the CA signed for `request`. */
  const signedFor = (knex: Knex, request: CertificateRequest) =>
    knex('certificates_ca_issued').where({ request_id: request.id });

  /** The audit actions recorded for `request`, in order. */
  const auditedActions = async (knex: Knex, request: CertificateRequest) =>
    (
      await knex('certificates_audit')
        .where({ request_id: request.id })
        .orderBy('seq')
    ).map(r => r.action);

  /** The certificate in a TLS Secret. */
  const leafIn = (secret: any) =>
    new X509Certificate(
      Buffer.from(secret.data['tls.crt'], 'base64').toString(),
    );

  /** Resumes in a new process and checks the single, matching outcome. */
  async function resumeAndCheck(
    knex: Knex,
    request: CertificateRequest,
    target: string,
  ) {
    const later = await startProcess(knex, { minutesLater: 2 });
    expect(await later.issuance.resume()).toBe(1);
    const done = (await later.store.get(request.id))!;
    expect(done.failureReason).toBeUndefined();
    expect(done.state).toBe('issued');

    const issued = await signedFor(knex, request);
    expect(issued).toHaveLength(1);
    expect(issued[0].serial_number).toBe(done.serialNumber);
    expect(await auditedActions(knex, request)).toEqual(['issued']);

    const secret = secretNamed(target)!;
    expect(secret.metadata.labels[REQUEST_ID_LABEL]).toBe(request.id);
    const leaf = leafIn(secret);
    expect(leaf.serialNumber).toBe(done.serialNumber);
    const key = createPrivateKey(
      Buffer.from(secret.data['tls.key'], 'base64').toString(),
    );
    expect(
      createPublicKey(key).export({ type: 'spki', format: 'der' }),
    ).toEqual(leaf.publicKey.export({ type: 'spki', format: 'der' }));
    expect(pendingKey(request)).toBeUndefined();

    // A second resume finds nothing to do and changes nothing.
    expect(await later.issuance.resume()).toBe(0);
    expect(await signedFor(knex, request)).toHaveLength(1);
    const dump =
      JSON.stringify(await knex('certificates_requests')) +
      JSON.stringify(await knex('certificates_ca_issued')) +
      JSON.stringify(await knex('certificates_audit'));
    expect(dump).not.toContain('PRIVATE KEY');
  }

  it.each(databases.eachSupportedId())(
    'dies after the key is written, before signing; the resumed attempt signs that key, %p',
    async databaseId => {
      const { knex, target, request, first } = await firstAttempt(
        databaseId,
        'after-key-tls',
      );
      await expect(
        first.deliverSecret(request, async () => {
          throw new Crash('process died');
        }),
      ).rejects.toThrow(Crash);
      const waiting = pendingKey(request);
      expect(waiting.type).toBe('Opaque');
      expect(waiting.metadata.labels[PENDING_KEY_LABEL]).toBe(request.id);
      expect(await knex('certificates_ca_issued')).toHaveLength(0);
      const stored = createPrivateKey(
        Buffer.from(waiting.data['tls.key'], 'base64').toString(),
      );

      await resumeAndCheck(knex, request, target);
      const secret = secretNamed(target)!;
      const delivered = createPrivateKey(
        Buffer.from(secret.data['tls.key'], 'base64').toString(),
      );
      expect(delivered.export({ type: 'pkcs8', format: 'der' })).toEqual(
        stored.export({ type: 'pkcs8', format: 'der' }),
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'dies after the CA signed, before the Secret is written; the CA answers the same certificate, %p',
    async databaseId => {
      const { knex, target, request, first } = await firstAttempt(
        databaseId,
        'after-sign-tls',
      );
      let signedSerial: string | undefined;
      await expect(
        first.deliverSecret(request, async csrPem => {
          signedSerial = (await first.ca.issue(issueRequest(request, csrPem)))
            .serialNumber;
          throw new Crash('process died');
        }),
      ).rejects.toThrow(Crash);
      expect(await signedFor(knex, request)).toHaveLength(1);
      expect(secretNamed(target)).toBeUndefined();
      expect(pendingKey(request)).toBeDefined();

      await resumeAndCheck(knex, request, target);
      expect((await storedNow(knex, request)).serialNumber).toBe(signedSerial);
    },
  );

  it.each(databases.eachSupportedId())(
    'dies after the Secret is written, before the request is updated and the pending key removed, %p',
    async databaseId => {
      // This process may not delete Secrets: the pending key stays, as after a crash.
      const { knex, target, request, first } = await firstAttempt(
        databaseId,
        'after-write-tls',
        { token: 'no-delete' },
      );
      const issued = await first.deliverSecret(request, csrPem =>
        first.ca.issue(issueRequest(request, csrPem)),
      );
      expect(secretNamed(target)).toBeDefined();
      expect(pendingKey(request)).toBeDefined();
      expect((await first.store.get(request.id))!.state).toBe('issuing');

      await resumeAndCheck(knex, request, target);
      expect((await storedNow(knex, request)).serialNumber).toBe(
        issued.serialNumber,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'a renewal that dies mid-way leaves the running Secret intact until its new pair is ready, %p',
    async databaseId => {
      const attempt = await firstAttempt(databaseId, 'renewed-tls');
      const { knex, target, first } = attempt;
      const original = attempt.request;
      expect(
        (await first.issuance.issue(original, { policyJustChecked: true }))
          .state,
      ).toBe('issued');
      const before = secretNamed(target)!;

      const renewal = await submit(knex, target, original.id);
      await expect(
        first.deliverSecret(renewal, async csrPem => {
          await first.ca.issue(issueRequest(renewal, csrPem));
          throw new Crash('process died');
        }),
      ).rejects.toThrow(Crash);
      // The workload still has a matching pair: the old one.
      expect(secretNamed(target)!.data).toEqual(before.data);

      await resumeAndCheck(knex, renewal, target);
    },
  );

  it('a request that fails after its key was written removes the pending key', async () => {
    const knex = await migratedDatabase(databases, 'SQLITE_3');
    const first = await startProcess(knex);
    const refused = await submit(knex, 'refused-tls');
    jest.spyOn(first.ca, 'issue').mockImplementationOnce(async () => {
      // The key is in the cluster by the time the CA is asked.
      expect(pendingKey(refused)).toBeDefined();
      throw new Error('CA refuses');
    });
    const result = await first.issuance.issue(refused, {
      policyJustChecked: true,
    });
    expect(result).toMatchObject({
      state: 'failed',
      failureReason: 'CA refuses',
    });
    expect(pendingKey(refused)).toBeUndefined();
    expect(secretNamed('refused-tls')).toBeUndefined();
  });

  /** Never settles: the process froze (or died) at this call. */
  const never = () => new Promise<never>(() => {});

  /** A process that wrote the Secret and removed the pending key, then died before recording it. */
  async function diedAfterWriting(databaseId: DatabaseId, base: string) {
    const attempt = await firstAttempt(databaseId, base);
    const { target, request, first } = attempt;
    const transition = first.store.transition.bind(first.store);
    const transaction = first.store.transaction.bind(first.store);
    let dead = false;
    // It dies at the issued transition: the transaction holding it rolls
    // back, as the database does when the connection drops, and nothing
    // of it runs any more.
    jest
      .spyOn(first.store, 'transition')
      .mockImplementation((id, from, to, patch, trx) => {
        if (to === 'issued') dead = true;
        if (dead) return Promise.reject(new Error('the process died'));
        return transition(id, from, to, patch, trx);
      });
    jest
      .spyOn(first.store, 'transaction')
      .mockImplementation(fn =>
        dead
          ? never()
          : transaction(fn).catch(e => (dead ? never() : Promise.reject(e))),
      );
    // Dead: it renews its lease no more.
    jest.spyOn(first.store, 'renewLease').mockResolvedValue(true);
    void first.issuance.issue(request, { policyJustChecked: true });
    while (!secretNamed(target) || pendingKey(request)) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    return attempt;
  }

  it.each(databases.eachSupportedId())(
    'a slow Secret delivery is not issued again by the sweep of another instance, and ends issued, not failed, %p',
    async databaseId => {
      const { knex, target, request, first } = await firstAttempt(
        databaseId,
        'slow-tls',
        { leaseMs: 600 },
      );
      const issue = first.ca.issue.bind(first.ca);
      jest.spyOn(first.ca, 'issue').mockImplementation(async r => {
        await new Promise(resolve => setTimeout(resolve, 2_000));
        return issue(r);
      });
      const other = await startProcess(knex, { leaseMs: 600 });
      const otherIssue = jest.spyOn(other.ca, 'issue');
      const issuing = first.issuance.issue(request, {
        policyJustChecked: true,
      });

      let handled = 0;
      const until = Date.now() + 2_500;
      while (Date.now() < until) {
        handled += await other.issuance.resume({ stuckAfterMs: 0 });
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      const done = await issuing;
      expect(handled).toBe(0);
      expect(otherIssue).not.toHaveBeenCalled();
      expect(done).toMatchObject({ state: 'issued' });
      expect(done.failureReason).toBeUndefined();
      expect(await signedFor(knex, request)).toHaveLength(1);
      expect(leafIn(secretNamed(target)).serialNumber).toBe(done.serialNumber);
      expect(await auditedActions(knex, request)).toEqual(['issued']);
    },
  );

  it.each(databases.eachSupportedId())(
    'dies after the Secret is written and its pending key removed: the instance taking the expired lease over finds its own Secret and marks it issued, %p',
    async databaseId => {
      const { knex, target, request } = await diedAfterWriting(
        databaseId,
        'written-tls',
      );
      const written = secretNamed(target)!;
      expect((await storedNow(knex, request)).state).toBe('issuing');

      const later = await startProcess(knex, { minutesLater: 2 });
      const log = simulator.requests().length;
      expect(await later.issuance.resume()).toBe(1);
      const done = (await later.store.get(request.id))!;
      expect(done).toMatchObject({ state: 'issued' });
      expect(done.failureReason).toBeUndefined();
      expect(done.serialNumber).toBe(leafIn(written).serialNumber);
      // Recognised, not written again; signed once.
      expect(
        simulator
          .requests()
          .slice(log)
          .filter(r => r.method !== 'GET'),
      ).toEqual([]);
      expect(secretNamed(target)!.metadata.resourceVersion).toBe(
        written.metadata.resourceVersion,
      );
      expect(await signedFor(knex, request)).toHaveLength(1);
      expect(await auditedActions(knex, request)).toEqual(['issued']);
    },
  );

  it.each(databases.eachSupportedId())(
    "a Secret with this request's label but not the certificate the CA signed for it is not taken as delivered, %p",
    async databaseId => {
      const { knex, target, request, first } = await diedAfterWriting(
        databaseId,
        'swapped-tls',
      );
      // Someone swaps in another certificate of the same CA and keeps the labels.
      const other = await submit(knex, secretName('other-tls', databaseId));
      const { csrPem } = await generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        dnsNames: ['payments.example.com'],
      });
      const swapped = await first.ca.issue(issueRequest(other, csrPem));
      const written = secretNamed(target)!;
      simulator.apply({
        ...written,
        data: {
          ...written.data,
          'tls.crt': Buffer.from(swapped.chainPem).toString('base64'),
        },
      });

      const later = await startProcess(knex, { minutesLater: 2 });
      await later.issuance.resume();
      const after = (await later.store.get(request.id))!;
      expect(after.state).toBe('failed');
      expect(after.serialNumber).toBeUndefined();
      expect(await signedFor(knex, request)).toHaveLength(1);
    },
  );
});
