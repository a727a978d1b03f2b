import { Entity } from '@backstage/catalog-model';
import { isCertificatesAvailable } from './isCertificatesAvailable';

const entity = (
  kind: string,
  annotations?: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind,
  metadata: { name: 'x', annotations },
});

describe('isCertificatesAvailable', () => {
  it('offers certificates where the Kubernetes plugin finds workloads', () => {
    expect(
      isCertificatesAvailable(
        entity('Component', { 'backstage.io/kubernetes-id': 'payments' }),
      ),
    ).toBe(true);
    expect(
      isCertificatesAvailable(
        entity('Resource', {
          'backstage.io/kubernetes-label-selector': 'app=db',
        }),
      ),
    ).toBe(true);
  });

  it.each(['kubecerts.dev', 'certificates.backstage.io'])(
    "offers certificates where this plugin's annotations are set (%s, the current or the earlier name)",
    domain => {
      const annotations = { [`${domain}/kubernetes-usernames`]: 'oidc:sam' };
      expect(isCertificatesAvailable(entity('User', annotations))).toBe(true);
    },
  );

  it('offers certificates on groups and systems, which gather what they own or run', () => {
    expect(isCertificatesAvailable(entity('Group'))).toBe(true);
    expect(isCertificatesAvailable(entity('System'))).toBe(true);
  });

  it('hides certificates on entities that have nothing in a cluster', () => {
    expect(isCertificatesAvailable(entity('Component'))).toBe(false);
    expect(
      isCertificatesAvailable(
        entity('Component', { 'backstage.io/kubernetes-namespace': 'x' }),
      ),
    ).toBe(false);
    expect(isCertificatesAvailable(entity('API'))).toBe(false);
    expect(
      isCertificatesAvailable(
        entity('Component', { 'backstage.io/kubernetes-id': '' }),
      ),
    ).toBe(false);
  });
});
