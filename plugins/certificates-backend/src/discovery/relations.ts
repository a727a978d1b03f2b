import { CertManagerInfo } from '@kubecerts/backstage-plugin-certificates-common';
import { KubernetesObjectRecord } from '../inventory/store';
import { RawObject, WatchedKindName } from './kinds';

function condition(obj: RawObject, type: string) {
  const c = (obj.status?.conditions ?? []).find((x: any) => x?.type === type);
  return c
    ? { status: String(c.status), reason: c.reason, message: c.message }
    : undefined;
}

/** A reference to the TLS Secret `secretNamespace/secretName`, serving `hosts`. */
function secretRef(
  secretNamespace: string,
  secretName: string,
  hosts: string[],
) {
  return { secretNamespace, secretName, hosts };
}

const ISSUER_TYPES = ['acme', 'ca', 'selfSigned', 'vault', 'venafi'];

/**
 * The parts of an Ingress, Gateway or cert-manager object the inventory
 * keeps, and the TLS Secrets it references.
 */
export function toObjectRecord(
  kind: WatchedKindName,
  obj: RawObject,
): KubernetesObjectRecord {
  const namespace = obj.metadata?.namespace ?? '';
  const name = obj.metadata?.name ?? '';
  const base = {
    kind,
    namespace,
    name,
    resourceVersion: obj.metadata?.resourceVersion,
    labels: obj.metadata?.labels,
  };
  const spec = obj.spec ?? {};
  switch (kind) {
    case 'Ingress':
      return {
        ...base,
        data: { ingressClassName: spec.ingressClassName },
        refs: (spec.tls ?? [])
          .filter((t: any) => t?.secretName)
          .map((t: any) => secretRef(namespace, t.secretName, t.hosts ?? [])),
      };
    case 'Gateway': {
      const listeners = (spec.listeners ?? []).flatMap((l: any) => {
        const secrets = (l?.tls?.certificateRefs ?? [])
          .filter((r: any) => r?.name && (!r.kind || r.kind === 'Secret'))
          .map((r: any) => secretRef(r.namespace ?? namespace, r.name, []));
        return secrets.length
          ? [{ hostname: l.hostname, port: l.port, secrets }]
          : [];
      });
      return {
        ...base,
        data: {
          gatewayClassName: spec.gatewayClassName,
          // The port each TLS listener serves on (the refs keep one row per Secret).
          tlsListeners: listeners.map((l: any) => ({
            hostname: typeof l.hostname === 'string' ? l.hostname : undefined,
            port: Number.isInteger(l.port) ? l.port : undefined,
            secrets: l.secrets.map(
              (r: any) => `${r.secretNamespace}/${r.secretName}`,
            ),
          })),
        },
        refs: listeners.flatMap((l: any) =>
          l.secrets.map((r: any) => ({
            ...r,
            hosts: l.hostname ? [l.hostname] : [],
          })),
        ),
      };
    }
    case 'Certificate': {
      const certManager: CertManagerInfo = {
        name,
        namespace,
        issuerRef: {
          name: spec.issuerRef?.name ?? '',
          kind: spec.issuerRef?.kind ?? 'Issuer',
          group: spec.issuerRef?.group,
        },
        ready: condition(obj, 'Ready'),
        issuing: condition(obj, 'Issuing'),
        renewalTime: obj.status?.renewalTime,
        notAfter: obj.status?.notAfter,
      };
      return {
        ...base,
        data: {
          certManager,
          dnsNames: spec.dnsNames ?? [],
          secretTemplateLabels: spec.secretTemplate?.labels,
        },
        refs: spec.secretName
          ? [secretRef(namespace, spec.secretName, spec.dnsNames ?? [])]
          : [],
      };
    }
    case 'CertificateRequest':
      return {
        ...base,
        data: {
          issuerRef: spec.issuerRef,
          username: spec.username,
          approved: condition(obj, 'Approved'),
          denied: condition(obj, 'Denied'),
          ready: condition(obj, 'Ready'),
          certificateName:
            obj.metadata?.annotations?.['cert-manager.io/certificate-name'],
        },
        refs: [],
      };
    default:
      return {
        ...base,
        data: {
          type: ISSUER_TYPES.find(t => spec[t] !== undefined) ?? 'unknown',
          ready: condition(obj, 'Ready'),
        },
        refs: [],
      };
  }
}
