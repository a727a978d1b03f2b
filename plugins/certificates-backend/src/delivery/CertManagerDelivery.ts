import { ConflictError } from '@backstage/errors';
import {
  CertificateRequest,
  deliveredLeafVerdict,
} from '@kubecerts/backstage-plugin-certificates-common';
import { CoreV1Api } from '@kubernetes/client-node';
import {
  CertManagerCertificate,
  CertManagerClient,
  conditionOf,
  statusCode,
} from '../certmanager';
import type {
  DeliveryContext,
  DeliveryOutcome,
  DeliveryStrategy,
  FollowContext,
} from '../issuing/deliveryPorts';
import type { CertManagerIssuerConfig } from '../issuing/IssuerRegistry';
import { ClusterTarget, describeChain, labelsFor } from './clusterTarget';
import { deliveredLeafFacts } from './deliveredLeaf';
import { orUndefinedOn404 } from './kubeErrors';
import { readOwnName, REQUEST_ID_LABEL } from './labels';

function privateKeySpec(choice: CertificateRequest['keyAlgorithm']) {
  if (choice.startsWith('ECDSA')) {
    return {
      algorithm: 'ECDSA',
      size: choice === 'ECDSA-P384' ? 384 : 256,
      rotationPolicy: 'Always',
    };
  }
  return {
    algorithm: 'RSA',
    size: Number(choice.slice(4)),
    rotationPolicy: 'Always',
  };
}

function specFor(
  request: CertificateRequest,
  issuer: CertManagerIssuerConfig,
  secretName: string,
) {
  return {
    secretName,
    commonName: request.commonName,
    dnsNames: request.dnsNames,
    ipAddresses: request.ipAddresses?.length ? request.ipAddresses : undefined,
    uris: request.uris?.length ? request.uris : undefined,
    duration: `${request.validityDays * 24}h`,
    privateKey: privateKeySpec(request.keyAlgorithm),
    usages: ['digital signature', 'key encipherment', 'server auth'].concat(
      request.clientAuth ? ['client auth'] : [],
    ),
    issuerRef: CertManagerClient.issuerRef(issuer),
    secretTemplate: { labels: labelsFor(request) },
  };
}

/**
 * `cert-manager` delivery: the portal applies a Certificate (issuerRef = the
 * approved issuer) and cert-manager makes the key and the certificate in the
 * cluster. Following it reads the Certificate back: one that was never
 * applied (an attempt stopped before) is applied again, and "Ready" is
 * believed only when the Secret's certificate is the approved one, for the
 * key stored with it (`deliveredLeafVerdict`).
 */
export class CertManagerDelivery implements DeliveryStrategy {
  readonly kind = 'cert-manager' as const;

  static create(options: { target: ClusterTarget }): CertManagerDelivery {
    return new CertManagerDelivery(options.target);
  }

  private constructor(private readonly target: ClusterTarget) {}

  async deliver(
    request: CertificateRequest,
    context: DeliveryContext,
  ): Promise<DeliveryOutcome> {
    const issuer = context.certManagerIssuer;
    if (!issuer) {
      return {
        state: 'failed',
        reason: `Issuer ${request.issuer} or the cluster is not available`,
      };
    }
    await this.apply(request, issuer);
    return this.follow(request, context);
  }

  /** Creates (or, for its own lineage, updates) the Certificate. */
  private async apply(
    request: CertificateRequest,
    issuer: CertManagerIssuerConfig,
  ): Promise<void> {
    const client = CertManagerClient.forCluster(
      this.target.kubeConfig(request),
    );
    const { namespace, name } = this.target.of(request);
    // Read before the check: the write below names this version, so it fails
    // if the Certificate changed (or appeared) after it was judged.
    const existing = await client.getCertificate(namespace, name);
    await this.target.assertOurs(request);
    const labels = labelsFor(request);
    const spec = specFor(request, issuer, name);
    try {
      if (existing) {
        await client.updateCertificate(namespace, name, {
          labels,
          spec,
          resourceVersion: existing.metadata.resourceVersion,
        });
      } else {
        await client.createCertificate(namespace, {
          apiVersion: CertManagerClient.apiVersion,
          kind: 'Certificate',
          metadata: { name, namespace, labels },
          spec,
        });
      }
    } catch (error) {
      if (statusCode(error) === 409) {
        throw new ConflictError(
          `Certificate ${namespace}/${name} changed while it was being written`,
        );
      }
      throw error;
    }
  }

  async follow(
    request: CertificateRequest,
    context: FollowContext,
  ): Promise<DeliveryOutcome> {
    const kubeConfig = this.target.kubeConfig(request);
    const { namespace, name } = this.target.of(request);
    const where = `Certificate ${namespace}/${name}`;
    const certificate = await CertManagerClient.forCluster(
      kubeConfig,
    ).getCertificate(namespace, name);
    if (!certificate) {
      return { state: 'undelivered', reason: `${where} does not exist` };
    }
    const notOurs = this.notOurs(
      certificate,
      request,
      context.certManagerIssuer,
    );
    if (notOurs) {
      return { state: 'failed', reason: `${where} ${notOurs}` };
    }
    if (conditionOf(certificate, 'Ready')?.status === 'True') {
      return this.readIssued(
        request,
        kubeConfig.makeApiClient(CoreV1Api),
        namespace,
        name,
      );
    }
    const failed = [
      conditionOf(certificate, 'Issuing'),
      conditionOf(certificate, 'Ready'),
    ].find(c => c?.status === 'False' && c.reason === 'Failed');
    if (failed) {
      return {
        state: 'failed',
        reason: `cert-manager: ${failed.message ?? 'issuing failed'}`,
      };
    }
    return { state: 'pending' };
  }

  /** Why the Certificate is no longer the one the portal applied for this request. */
  private notOurs(
    certificate: CertManagerCertificate,
    request: CertificateRequest,
    issuer: CertManagerIssuerConfig | undefined,
  ): string | undefined {
    const labelled = readOwnName(certificate.metadata.labels, REQUEST_ID_LABEL);
    if (labelled !== request.id) {
      return `is no longer this request's (it names request ${
        labelled ?? 'none'
      })`;
    }
    const ref = certificate.spec?.issuerRef;
    if (
      issuer &&
      (ref?.name !== issuer.name || (ref?.kind ?? 'Issuer') !== issuer.kind)
    ) {
      return `names issuer ${ref?.kind ?? 'Issuer'}/${
        ref?.name
      }, not the approved ${issuer.kind}/${issuer.name}`;
    }
    return undefined;
  }

  private async readIssued(
    request: CertificateRequest,
    api: CoreV1Api,
    namespace: string,
    name: string,
  ): Promise<DeliveryOutcome> {
    const secret = await orUndefinedOn404(() =>
      api.readNamespacedSecret({ name, namespace }),
    );
    const crt = secret?.data?.['tls.crt'];
    if (!crt) {
      return { state: 'pending' };
    }
    const chainPem = Buffer.from(crt, 'base64').toString('utf8');
    const key = secret?.data?.['tls.key'];
    let facts;
    try {
      facts = deliveredLeafFacts(
        chainPem,
        key ? Buffer.from(key, 'base64').toString('utf8') : undefined,
      );
    } catch (error) {
      return {
        state: 'failed',
        reason: `Secret ${namespace}/${name} holds no readable certificate: ${error}`,
      };
    }
    const verdict = deliveredLeafVerdict(request, facts);
    if (verdict.verdict === 'earlier') {
      // The certificate this request replaces: cert-manager has not issued yet.
      return { state: 'pending' };
    }
    if (verdict.verdict === 'mismatch') {
      return {
        state: 'failed',
        reason: `Secret ${namespace}/${name} does not hold the approved certificate: ${verdict.reason}`,
      };
    }
    return { state: 'issued', certificate: describeChain(chainPem) };
  }
}
