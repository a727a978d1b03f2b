import { startTestBackend } from '@backstage/backend-test-utils';
import {
  CertificatesClusterSource,
  certificatesClusterSourceExtensionPoint,
} from '@kubecerts/backstage-plugin-certificates-node';
import { DemoClusterSource } from './DemoClusterSource';
import { certificatesModuleDemoCluster } from './module';

describe('certificatesModuleDemoCluster', () => {
  it('adds the demo cluster source without starting it', async () => {
    const collected: CertificatesClusterSource[] = [];
    const backend = await startTestBackend({
      extensionPoints: [
        [
          certificatesClusterSourceExtensionPoint,
          { addClusterSource: source => collected.push(source) },
        ],
      ],
      features: [certificatesModuleDemoCluster],
    });
    expect(collected).toHaveLength(1);
    expect(collected[0]).toBeInstanceOf(DemoClusterSource);
    expect(await collected[0].getApprovedRoots!()).toEqual([]);
    await backend.stop();
  });
});
