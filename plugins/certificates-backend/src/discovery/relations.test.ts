import { toObjectRecord } from './relations';

describe('toObjectRecord', () => {
  it("keeps a Gateway's TLS listeners with their ports, and one ref per Secret and host", () => {
    const record = toObjectRecord('Gateway', {
      metadata: { namespace: 'edge', name: 'gw', resourceVersion: '7' },
      spec: {
        gatewayClassName: 'istio',
        listeners: [
          {
            name: 'https',
            hostname: 'shop.example.com',
            port: 443,
            protocol: 'HTTPS',
            tls: { certificateRefs: [{ name: 'shop-tls' }] },
          },
          {
            name: 'admin',
            hostname: 'admin.example.com',
            port: 8443,
            protocol: 'HTTPS',
            tls: {
              certificateRefs: [
                { kind: 'Secret', name: 'admin-tls', namespace: 'ops' },
              ],
            },
          },
          // Not TLS, or a reference to something other than a Secret.
          { name: 'http', hostname: 'shop.example.com', port: 80 },
          {
            name: 'other',
            hostname: 'x.example.com',
            port: 9443,
            tls: { certificateRefs: [{ kind: 'ConfigMap', name: 'x' }] },
          },
        ],
      },
    });
    expect(record.data).toEqual({
      gatewayClassName: 'istio',
      tlsListeners: [
        { hostname: 'shop.example.com', port: 443, secrets: ['edge/shop-tls'] },
        {
          hostname: 'admin.example.com',
          port: 8443,
          secrets: ['ops/admin-tls'],
        },
      ],
    });
    expect(record.refs).toEqual([
      {
        secretNamespace: 'edge',
        secretName: 'shop-tls',
        hosts: ['shop.example.com'],
      },
      {
        secretNamespace: 'ops',
        secretName: 'admin-tls',
        hosts: ['admin.example.com'],
      },
    ]);
  });
});
