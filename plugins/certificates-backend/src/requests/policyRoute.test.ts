import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CertificatePolicy } from '@kubecerts/backstage-plugin-certificates-common';
import { component, testDatabases } from '../__testUtils__/fixtures';
import {
  CertificatesTestBackend,
  startCertificatesBackend,
} from '../__testUtils__/testBackend';
import { teamAServicesPolicy, unreachableCluster } from './__testUtils__/shop';

const payments: Entity = component('payments', 'team-a');
const stray: Entity = component('stray', 'team-z');

const policy: CertificatePolicy = teamAServicesPolicy({
  allowedIssuers: ['builtin', 'cm-prod'],
  allowedClusters: ['prod'],
});

describe('GET /policy', () => {
  const databases = testDatabases();
  let backend: CertificatesTestBackend;
  const catalog = catalogServiceMock({ entities: [payments, stray] });
  const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');

  beforeAll(async () => {
    backend = await startCertificatesBackend({
      knex: await databases.init('SQLITE_3'),
      catalog,
      certificates: {
        policies: [policy],
        clusters: [unreachableCluster('prod'), unreachableCluster('staging')],
        certManagerIssuers: [
          {
            id: 'cm-prod',
            cluster: 'prod',
            name: 'letsencrypt',
            kind: 'ClusterIssuer',
          },
          // In an allowed cluster, but not an issuer the policy allows.
          {
            id: 'cm-other',
            cluster: 'prod',
            name: 'other-ca',
            kind: 'ClusterIssuer',
          },
        ],
      },
    });
  });
  afterAll(() => backend.stop());
  beforeEach(() => getEntityByRef.mockClear());

  /** GET /policy?entityRef=… as Alice (no query at all when `entityRef` is undefined). */
  const policyOf = (entityRef?: string) => {
    const get = backend.get('/policy');
    return entityRef === undefined ? get : get.query({ entityRef });
  };

  it('returns the applying policy, the issuers and clusters it allows and suggested names', async () => {
    const res = await policyOf('component:default/payments');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      policy,
      issuers: [
        expect.objectContaining({
          id: 'builtin',
          displayName: 'Built-in CA',
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
    const res = await policyOf('component:default/stray');
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
    const res = await policyOf('component:default/ghost');
    expect(res.status).toBe(404);
    expect(res.body.error.name).toBe('NotFoundError');
  });

  it.each([['payments'], ['component:'], ['']])(
    'answers 400 for the malformed ref %p',
    async ref => {
      const res = await policyOf(ref);
      expect(res.status).toBe(400);
      expect(res.body.error.name).toBe('InputError');
      expect(getEntityByRef).not.toHaveBeenCalled();
    },
  );

  it('answers 400 without an entityRef', async () => {
    const res = await policyOf();
    expect(res.status).toBe(400);
  });
});
