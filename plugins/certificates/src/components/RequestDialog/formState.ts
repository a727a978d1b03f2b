import {
  CertificateRequestInput,
  DeliveryKind,
  IssuerInfo,
  KeyAlgorithmChoice,
} from '@kubecerts/backstage-plugin-certificates-common';
import { EntityPolicy } from '../../api';
import { parseDnsNames } from './violations';

export const ALL_KEY_ALGORITHMS: KeyAlgorithmChoice[] = [
  'ECDSA-P256',
  'ECDSA-P384',
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
];
export const ALL_DELIVERIES: DeliveryKind[] = ['csr', 'secret', 'cert-manager'];
const DEFAULT_MAX_VALIDITY_DAYS = 90;

/** What the form edits; strings as typed, converted on the way out. */
export interface RequestFormState {
  dnsNames: string;
  commonName: string;
  keyAlgorithm: KeyAlgorithmChoice;
  validityDays: string;
  issuer: string;
  deliveryKind: DeliveryKind;
  csr: string;
  cluster: string;
  namespace: string;
  secretName: string;
  clientAuth: boolean;
  justification: string;
}

/** The choices the effective policy leaves open. */
export interface PolicyChoices {
  keyAlgorithms: KeyAlgorithmChoice[];
  maxValidityDays: number;
  issuers: IssuerInfo[];
  clusters: string[];
  /** Concrete namespaces to pick from; empty when any (or a pattern) is allowed. */
  namespaces: string[];
  /** The policy's namespace rules as written, for the helper text. */
  namespacePatterns: string[];
}

const isPattern = (value: string) =>
  value.includes('*') || value.includes('{{');

export function policyChoices(response: EntityPolicy): PolicyChoices {
  const policy = response.policy;
  const allowedIssuers = policy?.allowedIssuers;
  const allowedClusters = policy?.allowedClusters;
  const namespacePatterns = policy?.allowedNamespaces ?? [];
  return {
    keyAlgorithms: policy?.keyAlgorithms?.length
      ? policy.keyAlgorithms
      : ALL_KEY_ALGORITHMS,
    maxValidityDays: policy?.maxValidityDays ?? DEFAULT_MAX_VALIDITY_DAYS,
    issuers: allowedIssuers
      ? response.issuers.filter(i => allowedIssuers.includes(i.id))
      : response.issuers,
    clusters:
      allowedClusters && !allowedClusters.some(isPattern)
        ? response.clusters.filter(c => allowedClusters.includes(c))
        : response.clusters,
    namespaces: namespacePatterns.some(isPattern) ? [] : namespacePatterns,
    namespacePatterns,
  };
}

/** Delivery kinds both the policy and the chosen issuer allow. */
export function deliveriesFor(
  response: EntityPolicy,
  issuer: IssuerInfo | undefined,
): DeliveryKind[] {
  const byPolicy = response.policy?.deliveries ?? ALL_DELIVERIES;
  return byPolicy.filter(d => !issuer || issuer.deliveries.includes(d));
}

export function initialFormState(
  response: EntityPolicy,
  entityName: string,
): RequestFormState {
  const choices = policyChoices(response);
  const issuer = choices.issuers[0];
  const deliveries = deliveriesFor(response, issuer);
  return {
    dnsNames: response.suggestedDnsNames.join('\n'),
    commonName: response.suggestedDnsNames[0] ?? '',
    keyAlgorithm: choices.keyAlgorithms[0],
    validityDays: String(
      Math.min(choices.maxValidityDays, DEFAULT_MAX_VALIDITY_DAYS),
    ),
    issuer: issuer?.id ?? '',
    deliveryKind: deliveries[0] ?? 'csr',
    csr: '',
    cluster: choices.clusters[0] ?? '',
    namespace: choices.namespaces[0] ?? '',
    secretName: `${entityName}-tls`,
    clientAuth: false,
    justification: '',
  };
}

/** The request the form stands for, in the shape the API takes. */
export function toRequestInput(
  entityRef: string,
  state: RequestFormState,
): CertificateRequestInput {
  const inCluster = state.deliveryKind !== 'csr';
  return {
    entityRef,
    commonName: state.commonName.trim() || undefined,
    dnsNames: parseDnsNames(state.dnsNames),
    keyAlgorithm: state.keyAlgorithm,
    validityDays: Number(state.validityDays),
    issuer: state.issuer,
    delivery: inCluster
      ? {
          kind: state.deliveryKind,
          cluster: state.cluster,
          namespace: state.namespace.trim(),
          secretName: state.secretName.trim(),
        }
      : { kind: 'csr', csr: state.csr.trim() },
    clientAuth: state.clientAuth,
    justification: state.justification.trim() || undefined,
  };
}
