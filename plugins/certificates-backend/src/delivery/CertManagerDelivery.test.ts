import {
  CertificateRequest,
  LEGACY_REQUEST_ID_LABEL,
} from '@kubecerts/backstage-plugin-certificates-common';
import { countRows, createTestCa } from '../__testUtils__';
import { deliveryTestbed } from './__testUtils__/deliverySetup';
import { generateKeyAndCsr } from './keyAndCsr';
import { REQUEST_ID_LABEL } from './KubernetesDelivery';

jest.setTimeout(90_000);

const CERTIFICATE = ['cert-manager.io/v1', 'Certificate'] as const;

describe('CertManagerDelivery', () => {
  const { databases, setup: testbed } = deliveryTestbed('cert-manager');

  async function setup(databaseId: Parameters<typeof databases.init>[0]) {
    const bed = await testbed(databaseId);
    const { knex, namespace, simulator } = bed;
    const certificate = (name: string) =>
      simulator.get<any>(...CERTIFICATE, namespace, name);
    /** cert-manager's work, as a test tells it: a Secret for `names`, then Ready. */
    const issueInCluster = async (
      request: CertificateRequest,
      options: {
        dnsNames?: string[];
        foreignKey?: boolean;
        now?: () => Date;
      } = {},
    ) => {
      const name = request.delivery.secretName!;
      const dnsNames = options.dnsNames ?? request.dnsNames;
      const key = await generateKeyAndCsr({
        keyAlgorithm: 'ECDSA-P256',
        dnsNames,
      });
      const stored = options.foreignKey
        ? await generateKeyAndCsr({ keyAlgorithm: 'ECDSA-P256', dnsNames })
        : key;
      const ca = options.now
        ? await createTestCa(knex, { now: options.now })
        : bed.ca;
      const { chainPem } = await ca.issue({
        requestId: `in-cluster-${name}-${Math.random()}`,
        commonName: request.commonName,
        dnsNames,
        ipAddresses: [],
        uris: [],
        validityDays: 30,
        clientAuth: false,
        csrPem: key.csrPem,
      });
      simulator.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: { name, namespace },
        data: {
          'tls.crt': Buffer.from(chainPem).toString('base64'),
          'tls.key': Buffer.from(stored.privateKeyPem).toString('base64'),
        },
      });
      simulator.apply({
        ...certificate(name),
        status: {
          conditions: [{ type: 'Ready', status: 'True', reason: 'Ready' }],
        },
      });
    };
    return { ...bed, certificate, issueInCluster };
  }

  it.each(databases.eachSupportedId())(
    'a request that stopped before its Certificate was applied is applied when it is followed, then issued, %p',
    async databaseId => {
      const { create, certificate, issuance, store, issueInCluster, trail } =
        await setup(databaseId);
      // Stored in issuing, then the process died before applying anything.
      const request = await create('crashed-tls');
      expect(certificate('crashed-tls')).toBeUndefined();

      expect(await issuance.resume()).toBe(1);
      expect((await store.get(request.id))!.state).toBe('issuing');
      expect(certificate('crashed-tls')).toMatchObject({
        metadata: { labels: { [REQUEST_ID_LABEL]: request.id } },
        spec: {
          secretName: 'crashed-tls',
          issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer' },
        },
      });

      await issueInCluster(request);
      await issuance.resume();
      expect((await store.get(request.id))!.state).toBe('issued');
      expect(await trail(request.id)).toEqual([['issued', 'success']]);
    },
  );

  it.each<[string, { dnsNames?: string[]; foreignKey?: boolean }, RegExp]>([
    [
      'names',
      { dnsNames: ['payments.example.com', 'admin.example.com'] },
      /DNS names .* are not the approved/,
    ],
    [
      'key',
      { foreignKey: true },
      /does not certify the private key stored with it/,
    ],
  ])(
    'Ready=True is not believed when the Secret holds a certificate with other %s: failed with the reason, nothing recorded',
    async (_, change, reason) => {
      for (const databaseId of databases.eachSupportedId().map(([id]) => id)) {
        const { knex, create, issuance, store, issueInCluster, trail } =
          await setup(databaseId);
        const request = await create(`mismatch-${_}-tls`);
        await issuance.issue(request, { policyJustChecked: true });
        await issueInCluster(request, change);
        const before = await countRows(knex, ['certificates_ca_issued']);

        await issuance.resume();
        const failed = (await store.get(request.id))!;
        expect(failed.state).toBe('failed');
        expect(failed.failureReason).toMatch(
          /does not hold the approved certificate/,
        );
        expect(failed.failureReason).toMatch(reason);
        expect(failed.serialNumber).toBeUndefined();
        expect(await trail(request.id)).toEqual([['failed', 'failure']]);
        expect(await countRows(knex, ['certificates_ca_issued'])).toEqual(
          before,
        );
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'the certificate a renewal replaces (issued long before the request) is not taken as its own: still issuing, %p',
    async databaseId => {
      const { create, issuance, store, issueInCluster } = await setup(
        databaseId,
      );
      const request = await create('older-tls');
      await issuance.issue(request, { policyJustChecked: true });
      await issueInCluster(request, {
        now: () => new Date(Date.now() - 10 * 86_400_000),
      });
      await issuance.resume();
      expect((await store.get(request.id))!.state).toBe('issuing');
    },
  );

  it.each(databases.eachSupportedId())(
    "a Certificate an earlier version labelled under the old name is still recognised as the request's, %p",
    async databaseId => {
      const bed = await setup(databaseId);
      const request = await bed.create('legacy-label-tls');
      await bed.issuance.issue(request, { policyJustChecked: true });
      const applied = bed.certificate('legacy-label-tls');
      expect(Object.keys(applied.metadata.labels)).not.toContain(
        LEGACY_REQUEST_ID_LABEL,
      );
      const { [REQUEST_ID_LABEL]: _, ...others } = applied.metadata.labels;
      bed.simulator.apply({
        ...applied,
        metadata: {
          ...applied.metadata,
          labels: { ...others, [LEGACY_REQUEST_ID_LABEL]: request.id },
        },
      });
      await bed.issueInCluster(request);
      await bed.issuance.resume();
      expect((await bed.store.get(request.id))!.state).toBe('issued');
    },
  );

  it.each(databases.eachSupportedId())(
    'a Certificate relabelled for another request, or pointed at another issuer, fails the request, %p',
    async databaseId => {
      const { create, certificate, issuance, store, simulator } = await setup(
        databaseId,
      );
      const relabelled = await create('relabelled-tls');
      const repointed = await create('repointed-tls');
      for (const r of [relabelled, repointed])
        await issuance.issue(r, { policyJustChecked: true });
      const one = certificate('relabelled-tls');
      simulator.apply({
        ...one,
        metadata: {
          ...one.metadata,
          labels: { [REQUEST_ID_LABEL]: 'someone-else' },
        },
      });
      const two = certificate('repointed-tls');
      simulator.apply({
        ...two,
        spec: {
          ...two.spec,
          issuerRef: { name: 'self-signed', kind: 'Issuer' },
        },
      });

      await issuance.resume();
      expect(await store.get(relabelled.id)).toMatchObject({
        state: 'failed',
        failureReason: expect.stringMatching(
          /is no longer this request's \(it names request someone-else\)/,
        ),
      });
      expect(await store.get(repointed.id)).toMatchObject({
        state: 'failed',
        failureReason: expect.stringMatching(
          /names issuer Issuer\/self-signed, not the approved ClusterIssuer\/corp-ca/,
        ),
      });
    },
  );
});
