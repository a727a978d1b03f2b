import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { countRows } from '../__testUtils__';
import {
  attemptUnderLease,
  deliverySetup,
  deliveryTestbed,
} from './__testUtils__/deliverySetup';
import { generateKeyAndCsr } from './keyAndCsr';
import { PENDING_KEY_LABEL, pendingKeySecretName } from './KubernetesDelivery';

jest.setTimeout(90_000);

const TABLES = ['certificates_requests', 'certificates_ca_issued'];

function publicFingerprint(privateKeyPem: string): string {
  return createHash('sha256')
    .update(
      createPublicKey(createPrivateKey(privateKeyPem)).export({
        type: 'spki',
        format: 'der',
      }),
    )
    .digest('hex');
}

/** A Secret of the pending-key shape with someone else's key. */
async function forgedPendingKey(name: string) {
  const { privateKeyPem } = await generateKeyAndCsr({
    keyAlgorithm: 'ECDSA-P256',
    dnsNames: ['x.example.com'],
  });
  return {
    privateKeyPem,
    data: { 'tls.key': Buffer.from(privateKeyPem).toString('base64') },
    name,
  };
}

describe('SecretDelivery', () => {
  const { databases, setup } = deliveryTestbed('secret');

  /** The request failed, audited once, for a pending key it did not make. */
  async function expectFailedForForeignKey(
    bed: Awaited<ReturnType<typeof setup>>,
    requestId: string,
  ) {
    const failed = (await bed.store.get(requestId))!;
    expect(failed.state).toBe('failed');
    expect(failed.failureReason).toMatch(
      /holds a key the portal did not generate/,
    );
    expect(await bed.trail(requestId)).toEqual([['failed', 'failure']]);
  }

  it.each(databases.eachSupportedId())(
    'records the public fingerprint of the key it generates, delivers it, and follows the delivered Secret back, %p',
    async databaseId => {
      const { knex, create, secret, issuance, kubernetes, store } = await setup(
        databaseId,
      );
      const request = await create('recorded-tls');
      expect(
        await kubernetes.strategies.secret.follow(request, {}),
      ).toMatchObject({ state: 'undelivered' });

      const issued = await issuance.issue(request, { policyJustChecked: true });
      expect(issued.state).toBe('issued');
      const key = Buffer.from(
        secret('recorded-tls').data['tls.key'],
        'base64',
      ).toString();
      const row = await knex('certificates_requests')
        .where({ id: request.id })
        .first();
      expect(row.pending_key_fingerprint).toBe(publicFingerprint(key));
      expect(JSON.stringify(row)).not.toContain('PRIVATE KEY');
      expect(secret(pendingKeySecretName(request))).toBeUndefined();

      const followed = await kubernetes.strategies.secret.follow(request, {
        signedFingerprint: row.signed_fingerprint,
      });
      expect(followed).toMatchObject({
        state: 'issued',
        certificate: { serialNumber: issued.serialNumber },
      });
      expect((await store.get(request.id))!.state).toBe('issued');
    },
  );

  it.each(databases.eachSupportedId())(
    'a forged pending-key Secret (the label and a key of its own) is refused with 409: nothing signed or written, it is left as it was, %p',
    async databaseId => {
      const bed = await setup(databaseId);
      const request = await bed.create('forged-tls');
      const forged = await forgedPendingKey(pendingKeySecretName(request));
      bed.simulator.apply({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'Opaque',
        metadata: {
          name: forged.name,
          namespace: bed.namespace,
          labels: { [PENDING_KEY_LABEL]: request.id },
        },
        data: forged.data,
      });
      const planted = bed.secret(forged.name);
      const before = await countRows(bed.knex, TABLES);

      await expect(
        bed.issuance.issue(request, { policyJustChecked: true }),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringMatching(
          /holds a key the portal did not generate/,
        ),
      });
      await expectFailedForForeignKey(bed, request.id);
      expect(await countRows(bed.knex, TABLES)).toEqual(before);
      expect(bed.secret('forged-tls')).toBeUndefined();
      // Not the portal's to write, nor to delete.
      expect(bed.secret(forged.name).metadata.resourceVersion).toBe(
        planted.metadata.resourceVersion,
      );
    },
  );

  it.each(databases.eachSupportedId())(
    'a pending key swapped for another while the process was down is refused on resume: nothing signed, the target not written, %p',
    async databaseId => {
      const bed = await setup(databaseId);
      const request = await bed.create('swapped-key-tls');
      await expect(
        attemptUnderLease(
          {
            store: bed.store,
            issuers: bed.issuers,
            strategy: bed.kubernetes.strategies.secret,
          },
          request,
          {
            sign: async () => {
              throw new Error('the process died');
            },
          },
        ),
      ).rejects.toThrow('the process died');
      const waiting = bed.secret(pendingKeySecretName(request));
      expect(waiting.metadata.labels[PENDING_KEY_LABEL]).toBe(request.id);
      const forged = await forgedPendingKey(waiting.metadata.name);
      bed.simulator.apply({ ...waiting, data: forged.data });

      const later = await deliverySetup(bed.knex, bed.simulator, {
        now: () => new Date(Date.now() + 5 * 60_000),
      });
      await later.issuance.resume();
      await expectFailedForForeignKey(bed, request.id);
      expect(
        await bed
          .knex('certificates_ca_issued')
          .where({ request_id: request.id }),
      ).toHaveLength(0);
      expect(bed.secret('swapped-key-tls')).toBeUndefined();
      expect(
        Buffer.from(
          bed.secret(waiting.metadata.name).data['tls.key'],
          'base64',
        ).toString(),
      ).toBe(forged.privateKeyPem);
    },
  );

  it('a request that fails after its key was generated removes that pending key', async () => {
    const { create, secret, issuance, ca } = await setup('SQLITE_3');
    const request = await create('refused-tls');
    jest.spyOn(ca, 'issue').mockRejectedValueOnce(new Error('CA refuses'));
    expect(
      await issuance.issue(request, { policyJustChecked: true }),
    ).toMatchObject({
      state: 'failed',
      failureReason: 'CA refuses',
    });
    expect(secret(pendingKeySecretName(request))).toBeUndefined();
    expect(secret('refused-tls')).toBeUndefined();
  });
});
