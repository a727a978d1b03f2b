import { IssuerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import { CertificateIssuer } from '@kubecerts/backstage-plugin-certificates-node';

/** A cert-manager Issuer or ClusterIssuer offered from config. */
export interface CertManagerIssuerConfig {
  id: string;
  cluster: string;
  name: string;
  kind: 'Issuer' | 'ClusterIssuer';
  displayName?: string;
}

/**
 * Every issuer the portal can issue from: the built-in CA, issuers added by
 * modules, and configured cert-manager issuers (which sign in the cluster).
 */
export class IssuerRegistry {
  private readonly signers = new Map<string, CertificateIssuer>();
  private readonly certManager = new Map<string, CertManagerIssuerConfig>();

  private constructor(
    signers: CertificateIssuer[],
    certManager: CertManagerIssuerConfig[],
  ) {
    for (const issuer of signers) {
      if (this.signers.has(issuer.id)) {
        throw new Error(`Duplicate certificate issuer id '${issuer.id}'`);
      }
      this.signers.set(issuer.id, issuer);
    }
    for (const issuer of certManager) {
      if (this.signers.has(issuer.id) || this.certManager.has(issuer.id)) {
        throw new Error(`Duplicate certificate issuer id '${issuer.id}'`);
      }
      this.certManager.set(issuer.id, issuer);
    }
  }

  static create(options: {
    issuers: CertificateIssuer[];
    certManagerIssuers?: CertManagerIssuerConfig[];
  }): IssuerRegistry {
    return new IssuerRegistry(
      options.issuers,
      options.certManagerIssuers ?? [],
    );
  }

  /** A signing issuer (built-in CA, module issuers). */
  getSigner(id: string): CertificateIssuer | undefined {
    return this.signers.get(id);
  }

  getCertManagerIssuer(id: string): CertManagerIssuerConfig | undefined {
    return this.certManager.get(id);
  }

  async list(): Promise<IssuerInfo[]> {
    const signers = await Promise.all(
      [...this.signers.values()].map(i => i.info()),
    );
    const certManager = [...this.certManager.values()].map(
      (i): IssuerInfo => ({
        id: i.id,
        type: 'cert-manager',
        displayName:
          i.displayName ?? `${i.kind} ${i.name} (cert-manager, ${i.cluster})`,
        supportsRevocation: false,
        deliveries: ['cert-manager'],
        cluster: i.cluster,
      }),
    );
    return [...signers, ...certManager];
  }
}
