import { mountRequestsRouter } from './__testUtils__/requestsApp';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import { CertificateIssuer } from '@kubecerts/backstage-plugin-certificates-node';
import request from 'supertest';
import { IssuanceService, IssuerRegistry } from '../issuing';
import { RequestService, RequestValidator } from './RequestService';
import { RequestStore } from './RequestStore';
import { silentNotifier } from '../__testUtils__/noops';
import { component } from '../__testUtils__/fixtures';
import type { AuditLog } from '../audit';

const payments: Entity = component('payments', 'team-a');
const stray: Entity = component('stray', 'team-z');

const policy: CertificatePolicy = {
  name: 'services',
  selector: { owner: ['group:default/team-a'] },
  allowedDnsNames: [
    '{{entity.name}}.example.com',
    '*.{{entity.name}}.example.com',
  ],
  allowedIssuers: ['builtin', 'cm-prod'],
  allowedClusters: ['prod'],
};

function issuer(id: string): CertificateIssuer {
  return {
    id,
    info: async () => ({
      id,
      type: 'builtin',
      displayName: `Issuer ${id}`,
      supportsRevocation: true,
      deliveries: ['csr', 'secret'],
    }),
    issue: jest.fn(),
  } as unknown as CertificateIssuer;
}

describe('GET /policy', () => {
  async function setup() {
    const logger = mockServices.logger.mock();
    const issuers = IssuerRegistry.create({
      issuers: [issuer('builtin'), issuer('acme')],
      certManagerIssuers: [
        {
          id: 'cm-prod',
          cluster: 'prod',
          name: 'letsencrypt',
          kind: 'ClusterIssuer',
        },
      ],
    });
    const catalog = catalogServiceMock({ entities: [payments, stray] });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    const validator = RequestValidator.create({
      issuers,
      catalog,
      auth: mockServices.auth(),
      policies: [policy],
      clusterNames: () => ['prod', 'staging'],
    });
    // The policy route reads neither requests nor issuance.
    const store = {} as RequestStore;
    const service = RequestService.create({
      store,
      validator,
      issuance: IssuanceService.create({ store, issuers, logger }),
      audit: {} as AuditLog,
      logger,
      notifier: silentNotifier(),
      userInfo: mockServices.userInfo(),
    });
    const app = await mountRequestsRouter({
      user: 'user:default/alice',
      logger,
      requests: {
        userInfo: mockServices.userInfo(),
        permissions: mockServices.permissions(),
        service,
        store,
      },
    });
    return { app, getEntityByRef };
  }

  it('returns the applying policy, the issuers and clusters it allows and suggested names', async () => {
    const { app, getEntityByRef } = await setup();
    const res = await request(app)
      .get('/policy')
      .query({ entityRef: 'component:default/payments' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      policy,
      issuers: [
        expect.objectContaining({
          id: 'builtin',
          displayName: 'Issuer builtin',
        }),
        expect.objectContaining({
          id: 'cm-prod',
          type: 'cert-manager',
          cluster: 'prod',
        }),
      ],
      clusters: ['prod'],
      suggestedDnsNames: ['payments.example.com'],
    });
    // The caller's own credentials reach the catalog.
    expect(getEntityByRef).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'component', name: 'payments' }),
      { credentials: mockCredentials.user('user:default/alice') },
    );
  });

  it('says why when no policy applies', async () => {
    const { app } = await setup();
    const res = await request(app).get(
      '/policy?entityRef=component:default/stray',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      policy: null,
      reason: 'no policy applies to component:default/stray',
      issuers: [],
      clusters: [],
      suggestedDnsNames: [],
    });
  });

  it('answers 404 for an entity that does not exist', async () => {
    const { app } = await setup();
    const res = await request(app).get(
      '/policy?entityRef=component:default/ghost',
    );
    expect(res.status).toBe(404);
    expect(res.body.error.name).toBe('NotFoundError');
  });

  it.each([['payments'], ['component:'], ['']])(
    'answers 400 for the malformed ref %p',
    async ref => {
      const { app, getEntityByRef } = await setup();
      const res = await request(app).get('/policy').query({ entityRef: ref });
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(getEntityByRef).not.toHaveBeenCalled();
    },
  );

  it('answers 400 without an entityRef', async () => {
    const { app } = await setup();
    const res = await request(app).get('/policy');
    expect(res.status).toBe(400);
  });
});
