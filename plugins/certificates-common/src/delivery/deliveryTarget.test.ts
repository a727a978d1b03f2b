import { deliveryTargetVerdict, TargetRequest } from './deliveryTarget';

const target = {
  cluster: 'prod',
  namespace: 'payments',
  secretName: 'payments-tls',
};

const earlier: TargetRequest = {
  id: 'req-1',
  entityRef: 'component:default/payments',
  delivery: { kind: 'secret', ...target },
};

const submitted = {
  entityRef: 'component:default/payments',
  delivery: { kind: 'secret' as const, ...target },
};

describe('deliveryTargetVerdict', () => {
  it('allows a target where nothing exists yet', () => {
    expect(deliveryTargetVerdict(submitted, { certificates: [] })).toEqual({
      ok: true,
    });
  });

  it('refuses an existing Secret without the portal label', () => {
    const verdict = deliveryTargetVerdict(submitted, {
      secret: { name: 'payments-tls' },
      certificates: [],
    });
    expect(verdict).toEqual({
      ok: false,
      reason:
        'Secret payments/payments-tls in cluster prod already exists and was not created by the portal (it carries no portal request label); the portal never writes to it or points cert-manager at it',
    });
  });

  it('refuses a Secret whose label names no request in the database (a forged label)', () => {
    const verdict = deliveryTargetVerdict(submitted, {
      secret: { name: 'payments-tls', requestIdLabel: 'req-made-up' },
      certificates: [],
    });
    expect(verdict.ok).toBe(false);
    expect(!verdict.ok && verdict.reason).toMatch(
      /label names request req-made-up, which is not a portal request of component:default\/payments delivered to this Secret/,
    );
  });

  it('refuses a Secret labelled with a real request of another entity or another target', () => {
    const otherEntity = { ...earlier, entityRef: 'component:default/checkout' };
    const otherTarget = {
      ...earlier,
      delivery: { ...earlier.delivery, namespace: 'checkout' },
    };
    const otherCluster = {
      ...earlier,
      delivery: { ...earlier.delivery, cluster: 'staging' },
    };
    const csrRequest: TargetRequest = {
      ...earlier,
      delivery: { kind: 'csr', ...target },
    };
    for (const labelledRequest of [
      otherEntity,
      otherTarget,
      otherCluster,
      csrRequest,
    ]) {
      expect(
        deliveryTargetVerdict(submitted, {
          secret: {
            name: 'payments-tls',
            requestIdLabel: 'req-1',
            labelledRequest,
          },
          certificates: [],
        }).ok,
      ).toBe(false);
    }
  });

  it('allows a Secret the portal delivered here for the same entity (a renewal re-uses it)', () => {
    const facts = {
      secret: {
        name: 'payments-tls',
        requestIdLabel: 'req-1',
        labelledRequest: earlier,
      },
      certificates: [],
    };
    expect(deliveryTargetVerdict(submitted, facts)).toEqual({ ok: true });
    expect(
      deliveryTargetVerdict({ ...submitted, renewalOf: 'req-1' }, facts),
    ).toEqual({ ok: true });
    // Entity refs compare without regard to case.
    expect(
      deliveryTargetVerdict(
        { ...submitted, entityRef: 'Component:default/Payments' },
        facts,
      ),
    ).toEqual({ ok: true });
  });

  it('refuses when another cert-manager Certificate writes the Secret', () => {
    const verdict = deliveryTargetVerdict(
      {
        ...submitted,
        delivery: { ...submitted.delivery, kind: 'cert-manager' },
      },
      { certificates: [{ name: 'someone-elses', secretName: 'payments-tls' }] },
    );
    expect(verdict).toEqual({
      ok: false,
      reason:
        "cert-manager Certificate payments/someone-elses in cluster prod already writes Secret payments-tls and is not this certificate's own; the portal leaves it untouched",
    });
  });

  it('refuses a foreign Certificate under the name the portal would give its own', () => {
    const verdict = deliveryTargetVerdict(
      {
        ...submitted,
        delivery: { ...submitted.delivery, kind: 'cert-manager' },
      },
      {
        certificates: [
          {
            name: 'payments-tls',
            secretName: 'other-secret',
            requestIdLabel: 'req-1',
          },
        ],
      },
    );
    expect(!verdict.ok && verdict.reason).toMatch(
      /already exists under the name the portal would give its own/,
    );
  });

  it("allows the portal's own Certificate of the same lineage only", () => {
    const certManager: TargetRequest = {
      ...earlier,
      delivery: { kind: 'cert-manager', ...target },
    };
    const facts = {
      secret: {
        name: 'payments-tls',
        requestIdLabel: 'req-1',
        labelledRequest: certManager,
      },
      certificates: [
        {
          name: 'payments-tls',
          secretName: 'payments-tls',
          requestIdLabel: 'req-1',
          labelledRequest: certManager,
        },
      ],
    };
    const renewal = {
      id: 'req-2',
      renewalOf: 'req-1',
      entityRef: 'component:default/payments',
      delivery: { kind: 'cert-manager' as const, ...target },
    };
    expect(deliveryTargetVerdict(renewal, facts)).toEqual({ ok: true });
    // The request itself, retried.
    expect(deliveryTargetVerdict({ ...certManager }, facts)).toEqual({
      ok: true,
    });
    // A new lineage of the same entity does not take the Certificate over.
    expect(
      deliveryTargetVerdict(
        { ...renewal, id: 'req-3', renewalOf: undefined },
        facts,
      ).ok,
    ).toBe(false);
    expect(
      deliveryTargetVerdict(
        { ...renewal, id: undefined, renewalOf: undefined },
        facts,
      ).ok,
    ).toBe(false);
    // Nor does a Secret delivery, which cert-manager would overwrite.
    expect(
      deliveryTargetVerdict(
        { ...renewal, delivery: { ...renewal.delivery, kind: 'secret' } },
        facts,
      ).ok,
    ).toBe(false);
    // A forged label naming the lineage proves nothing without the database's record.
    expect(
      deliveryTargetVerdict(renewal, {
        certificates: [
          {
            name: 'payments-tls',
            secretName: 'payments-tls',
            requestIdLabel: 'req-1',
          },
        ],
      }).ok,
    ).toBe(false);
  });
});
