import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { KubernetesApiSimulator } from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import {
  CertificateDetails,
  OwnershipRule,
} from '@kubecerts/backstage-plugin-certificates-common';
import {
  certificateConditions,
  createCertificateConditionalDecision,
} from '../permissions';
import { certManagerOnlyLifecycle } from './__testUtils__/certManagerOnly';

const TEAM_WEB = 'group:default/team-web';

/** Everyone reads; renewing is allowed only on what team-web owns. */
function teamWebMayRenew() {
  const permissions = mockServices.permissions.mock();
  permissions.authorizeConditional.mockImplementation(async reqs => {
    const permission = (reqs[0] as any).permission;
    if (permission.name === 'certificates.certificate.read')
      return [{ result: AuthorizeResult.ALLOW }];
    return [
      createCertificateConditionalDecision(permission, {
        anyOf: [certificateConditions.isEntityOwner({ claims: [TEAM_WEB] })],
      }),
    ] as any;
  });
  return permissions;
}

const caller = {
  credentials: mockCredentials.user('user:default/wendy'),
  userEntityRef: 'user:default/wendy',
};

describe('renewing a cert-manager Certificate the portal did not create', () => {
  let sim: KubernetesApiSimulator;
  beforeAll(async () => {
    sim = await KubernetesApiSimulator.start({ clusterName: 'prod' });
  });
  afterAll(() => sim.stop());

  function setup(name: string, rule: OwnershipRule) {
    const row = {
      id: `row-${name}`,
      cluster: 'prod',
      namespace: 'web',
      secretName: `${name}-tls`,
      // What discovery resolved, through `rule`.
      entityRef: 'component:default/web',
      ownerRef: TEAM_WEB,
      ownership: {
        entityRef: 'component:default/web',
        ownerRef: TEAM_WEB,
        rule,
      },
      certManager: {
        name,
        namespace: 'web',
        issuerRef: { name: 'corp', kind: 'ClusterIssuer' },
      },
    } as unknown as CertificateDetails;
    // No portal request: the Certificate is not the portal's.
    const { lifecycle, records } = certManagerOnlyLifecycle({
      sim,
      row,
      certificate: { name, labels: { 'backstage.io/kubernetes-id': 'web' } },
      permissions: teamWebMayRenew(),
    });
    const conditions = () =>
      (sim.get<any>('cert-manager.io/v1', 'Certificate', 'web', name) as any)
        .status.conditions;
    return { lifecycle, row, records, conditions };
  }

  it.each([
    'certificate-label',
    'secret-label',
    'ingress-label',
    'label-selector',
  ] as const)(
    'an owner read from labels (%s) does not let its team renew: refused, the Certificate untouched, nothing audited',
    async rule => {
      const { lifecycle, row, records, conditions } = setup(`by-${rule}`, rule);
      expect((await lifecycle.actionsFor(row, caller)).renew).toEqual({
        allowed: false,
        reason: 'You may not renew this certificate.',
      });
      await expect(lifecycle.renew(row.id, caller)).rejects.toMatchObject({
        name: 'NotAllowedError',
      });
      expect(conditions()).toEqual([
        { type: 'Ready', status: 'True', reason: 'Ready' },
      ]);
      expect(records).toEqual([]);
    },
  );

  it('an owner the platform configured (a namespace mapping) may renew it', async () => {
    const { lifecycle, row, records, conditions } = setup(
      'by-mapping',
      'namespace-mapping',
    );
    expect((await lifecycle.actionsFor(row, caller)).renew).toEqual({
      allowed: true,
    });
    expect(await lifecycle.renew(row.id, caller)).toEqual({
      outcome: 'cert-manager-reissuing',
    });
    expect(conditions()).toEqual([
      { type: 'Ready', status: 'True', reason: 'Ready' },
      expect.objectContaining({
        type: 'Issuing',
        status: 'True',
        reason: 'ManuallyTriggered',
      }),
    ]);
    expect(records).toHaveLength(1);
  });
});
