import {
  CertificateRequest,
  DeliveringRequest,
  DeliveryTargetFacts,
  DeliveryTargetVerdict,
  deliveryTargetVerdict,
  TargetCertificate,
  Violation,
} from '@kubecerts/backstage-plugin-certificates-common';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { CertManagerClient } from '../certmanager';
import { kubeErrorMessage, statusCode } from './kubeErrors';
import { readOwnName, REQUEST_ID_LABEL } from './labels';

/** The cluster lookup delivery needs (the ClusterRegistry satisfies it). */
export interface ClusterLookup {
  get(name: string): { name: string; kubeConfig: KubeConfig } | undefined;
}

/** Reads portal requests by id (the request store satisfies it). */
export interface RequestLookup {
  listByIds(ids: string[]): Promise<CertificateRequest[]>;
}

export interface DeliveryTargetCheckOptions {
  clusters: ClusterLookup;
  requests: RequestLookup;
  /**
   * How long reading the target may take at submission, so that a cluster
   * that does not answer never holds the request form; default 3 s.
   */
  validationTimeoutMs?: number;
}

interface ObjectMeta {
  metadata?: { name?: string; labels?: Record<string, string> };
}

interface CertificateObject extends ObjectMeta {
  spec?: { secretName?: string };
}

const PAGE = 500;

/** Settles within `ms` or rejects; the call left behind is ignored. */
function within<T>(call: Promise<T>, ms: number | undefined): Promise<T> {
  if (!ms) return call;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within ${ms} ms`)),
      ms,
    );
  });
  call.catch(() => undefined);
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Reads what a delivery target holds in its cluster (the Secret and the
 * cert-manager Certificates that write it) and the portal requests their
 * labels name, from the database, and judges whether the portal may write
 * there (`deliveryTargetVerdict`). Used at submission, for the form's
 * verdict, and again just before anything is written.
 */
export class DeliveryTargetCheck {
  static create(options: DeliveryTargetCheckOptions): DeliveryTargetCheck {
    return new DeliveryTargetCheck(options);
  }

  private constructor(private readonly o: DeliveryTargetCheckOptions) {}

  /** The verdict; throws when the cluster cannot be read. */
  async verdict(
    request: DeliveringRequest,
    options: { timeoutMs?: number } = {},
  ): Promise<DeliveryTargetVerdict> {
    return deliveryTargetVerdict(
      request,
      await this.facts(request, options.timeoutMs),
    );
  }

  /**
   * The verdict as violations of a submitted request: on
   * delivery.secretName when the target is taken, on delivery.cluster when
   * the cluster cannot be read in time. Nothing for csr delivery.
   */
  async violations(request: DeliveringRequest): Promise<Violation[]> {
    const { kind, cluster, namespace, secretName } = request.delivery;
    if (
      (kind !== 'secret' && kind !== 'cert-manager') ||
      !cluster ||
      !namespace ||
      !secretName
    ) {
      return [];
    }
    try {
      const verdict = await this.verdict(request, {
        timeoutMs: this.o.validationTimeoutMs ?? 3000,
      });
      return verdict.ok
        ? []
        : [{ field: 'delivery.secretName', reason: verdict.reason }];
    } catch (error) {
      return [
        {
          field: 'delivery.cluster',
          reason: `cannot check cluster ${cluster}: ${kubeErrorMessage(error)}`,
        },
      ];
    }
  }

  /** What the target holds; throws when the cluster cannot be read. */
  async facts(
    request: DeliveringRequest,
    timeoutMs?: number,
  ): Promise<DeliveryTargetFacts> {
    const { cluster, namespace, secretName } = request.delivery;
    if (!namespace || !secretName) {
      throw new Error('The request names no namespace or Secret');
    }
    const kubeConfig = cluster
      ? this.o.clusters.get(cluster)?.kubeConfig
      : undefined;
    if (!kubeConfig) {
      throw new Error(`Cluster ${cluster} is not configured`);
    }
    const [secret, certificates] = await within(
      Promise.all([
        this.readSecret(kubeConfig, namespace, secretName),
        this.readCertificates(kubeConfig, namespace, secretName),
      ]),
      timeoutMs,
    );
    const labelOf = (o: ObjectMeta | undefined) =>
      readOwnName(o?.metadata?.labels, REQUEST_ID_LABEL);
    const ids = [secret, ...certificates]
      .map(labelOf)
      .filter((id): id is string => !!id);
    const known = new Map(
      (ids.length
        ? await this.o.requests.listByIds([...new Set(ids)])
        : []
      ).map(r => [r.id, r]),
    );
    const described = (o: ObjectMeta) => {
      const requestIdLabel = labelOf(o);
      return {
        name: o.metadata?.name ?? '',
        requestIdLabel,
        labelledRequest: requestIdLabel ? known.get(requestIdLabel) : undefined,
      };
    };
    return {
      secret: secret ? described(secret) : undefined,
      certificates: certificates.map(
        (c): TargetCertificate => ({
          ...described(c),
          secretName: c.spec?.secretName,
        }),
      ),
    };
  }

  /** The Secret's metadata only: its data (perhaps a key) is dropped at once. */
  private async readSecret(
    kubeConfig: KubeConfig,
    namespace: string,
    name: string,
  ): Promise<ObjectMeta | undefined> {
    try {
      const secret = await kubeConfig
        .makeApiClient(CoreV1Api)
        .readNamespacedSecret({ name, namespace });
      return {
        metadata: {
          name: secret.metadata?.name,
          labels: secret.metadata?.labels,
        },
      };
    } catch (error) {
      if (statusCode(error) === 404) return undefined;
      throw error;
    }
  }

  /**
   * The namespace's cert-manager Certificates that write Secret `name` or
   * bear that name; none where cert-manager is not installed.
   */
  private async readCertificates(
    kubeConfig: KubeConfig,
    namespace: string,
    name: string,
  ): Promise<CertificateObject[]> {
    const client = CertManagerClient.forCluster(kubeConfig);
    const found: CertificateObject[] = [];
    let token: string | undefined;
    do {
      const page = await client.listCertificates(namespace, {
        limit: PAGE,
        continue: token,
      });
      for (const item of page.items) {
        if (item.spec?.secretName === name || item.metadata?.name === name) {
          found.push({
            metadata: item.metadata,
            spec: { secretName: item.spec?.secretName },
          });
        }
      }
      token = page.continue;
    } while (token);
    return found;
  }
}
