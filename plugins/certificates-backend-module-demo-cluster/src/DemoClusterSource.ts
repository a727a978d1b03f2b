import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  KubernetesApiSimulator,
  testPki,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import {
  CertificatesClusterDetails,
  CertificatesClusterSource,
} from '@kubecerts/backstage-plugin-certificates-node';
import { seedDemoCluster } from './demoCluster';

/**
 * The simulated demo cluster "demo": an in-process Kubernetes API seeded with
 * certificates in every health state. Started only when no other source
 * supplied a cluster and `certificates.demoCluster.enabled` allows it
 * (default: outside production), so it never shadows a real cluster.
 */
export class DemoClusterSource implements CertificatesClusterSource {
  private simulator?: KubernetesApiSimulator;

  private constructor(
    private readonly enabled: boolean,
    private readonly logger: LoggerService,
  ) {}

  static create(options: {
    config: Config;
    logger: LoggerService;
    production?: boolean;
  }): DemoClusterSource {
    const production =
      options.production ?? process.env.NODE_ENV === 'production';
    const enabled =
      options.config.getOptionalBoolean('certificates.demoCluster.enabled') ??
      !production;
    return new DemoClusterSource(enabled, options.logger);
  }

  async getClusters(context: {
    existingClusterNames: string[];
  }): Promise<CertificatesClusterDetails[]> {
    if (!this.enabled || context.existingClusterNames.length > 0) return [];
    this.simulator ??= await KubernetesApiSimulator.start({
      clusterName: 'demo',
    });
    await seedDemoCluster(this.simulator);
    this.logger.warn(
      'No clusters configured and no kubeconfig found: using the SIMULATED demo cluster "demo". ' +
        'Configure certificates.clusters for real clusters, or set certificates.demoCluster.enabled: false.',
    );
    return [
      {
        name: 'demo',
        simulated: true,
        kubeConfig: this.simulator.kubeConfig(),
      },
    ];
  }

  /**
   * The fixture root, so the demo's "trusted" certificates chain to an
   * approved root; nothing when the demo cluster was not started.
   */
  async getApprovedRoots(): Promise<string[]> {
    return this.simulator ? [(await testPki()).root.certPem] : [];
  }

  async stop(): Promise<void> {
    await this.simulator?.stop();
    this.simulator = undefined;
  }
}
