import { createBackendPlugin } from '@backstage/backend-plugin-api';
import { startTestBackend } from '@backstage/backend-test-utils';
import {
  CertificatesClusterSource,
  certificatesClusterSourceExtensionPoint,
} from '@kubecerts/backstage-plugin-certificates-node';
import { DemoClusterSource } from './DemoClusterSource';
import { certificatesModuleDemoCluster } from './module';

/** Stands in for the certificates backend: owns the cluster source extension point. */
function fakeCertificatesPlugin(collected: CertificatesClusterSource[]) {
  return createBackendPlugin({
    pluginId: 'certificates',
    register(reg) {
      reg.registerExtensionPoint(certificatesClusterSourceExtensionPoint, {
        addClusterSource: source => collected.push(source),
      });
      reg.registerInit({ deps: {}, async init() {} });
    },
  });
}

describe('certificatesModuleDemoCluster', () => {
  it('adds the demo cluster source without starting it', async () => {
    const collected: CertificatesClusterSource[] = [];
    const backend = await startTestBackend({
      features: [
        fakeCertificatesPlugin(collected),
        certificatesModuleDemoCluster,
      ],
    });
    expect(collected).toHaveLength(1);
    expect(collected[0]).toBeInstanceOf(DemoClusterSource);
    expect(await collected[0].getApprovedRoots!()).toEqual([]);
    await backend.stop();
  });
});
