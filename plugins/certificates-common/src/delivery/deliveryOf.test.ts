import { deliveryOf } from './deliveryOf';

describe('deliveryOf', () => {
  it('keeps a csr request to its CSR, dropping a location stored before csr delivery refused one', () => {
    expect(
      deliveryOf({ kind: 'csr', cluster: 'prod', namespace: 'kube-system' } as any, 'PEM'),
    ).toEqual({ kind: 'csr', csr: 'PEM' });
  });

  it('keeps a cluster delivery target as stored, without a CSR', () => {
    expect(
      deliveryOf({ kind: 'secret', cluster: 'prod', namespace: 'payments', secretName: 'tls' }, 'PEM'),
    ).toEqual({ kind: 'secret', cluster: 'prod', namespace: 'payments', secretName: 'tls' });
  });
});
