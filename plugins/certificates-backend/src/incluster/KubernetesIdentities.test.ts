import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  KUBERNETES_USERNAMES_ANNOTATION,
  KubernetesIdentities,
  kubernetesIdentitiesOf,
} from './KubernetesIdentities';

const sam = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name: 'sam',
    annotations: {
      [KUBERNETES_USERNAMES_ANNOTATION]:
        'oidc:sam, sam.smith@corp.example\nsystem:serviceaccount:ci:sam-bot',
    },
  },
  spec: { profile: { email: 'sam@example.com' } },
};

describe('KubernetesIdentities', () => {
  it('takes the annotation, the profile email and the user name', () => {
    expect(kubernetesIdentitiesOf('user:default/sam', sam)).toEqual([
      'oidc:sam',
      'sam.smith@corp.example',
      'system:serviceaccount:ci:sam-bot',
      'sam@example.com',
      'sam',
    ]);
    expect(kubernetesIdentitiesOf('user:default/kim')).toEqual(['kim']);
  });

  it('reads the annotation under its earlier name too; the current name wins', () => {
    const legacy = 'certificates.backstage.io/kubernetes-usernames';
    const withOld = {
      ...sam,
      metadata: { name: 'sam', annotations: { [legacy]: 'oidc:old-sam' } },
    };
    expect(kubernetesIdentitiesOf('user:default/sam', withOld)).toContain(
      'oidc:old-sam',
    );
    const withBoth = {
      ...sam,
      metadata: {
        name: 'sam',
        annotations: {
          [legacy]: 'oidc:old-sam',
          [KUBERNETES_USERNAMES_ANNOTATION]: 'oidc:sam',
        },
      },
    };
    const both = kubernetesIdentitiesOf('user:default/sam', withBoth);
    expect(both).toContain('oidc:sam');
    expect(both).not.toContain('oidc:old-sam');
  });

  it('reads the user from the catalog once per ttl, and fails closed when the catalog fails', async () => {
    const catalog = catalogServiceMock({ entities: [sam] });
    const getEntityByRef = jest.spyOn(catalog, 'getEntityByRef');
    let now = 0;
    const identities = KubernetesIdentities.create({
      catalog,
      auth: mockServices.auth(),
      ttlMs: 1000,
      now: () => now,
    });
    expect(await identities.of('user:default/sam')).toContain('oidc:sam');
    expect(await identities.of('user:default/sam')).toContain(
      'sam@example.com',
    );
    expect(getEntityByRef).toHaveBeenCalledTimes(1);
    // A user missing from the catalog still has their name.
    expect(await identities.of('user:default/nobody')).toEqual(['nobody']);

    now = 5000;
    getEntityByRef.mockRejectedValueOnce(new Error('catalog down'));
    await expect(identities.of('user:default/sam')).rejects.toMatchObject({
      name: 'ServiceUnavailableError',
    });
  });
});
