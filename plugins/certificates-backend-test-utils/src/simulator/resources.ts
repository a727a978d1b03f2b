/** A resource type the simulator serves, as discovery describes it. */
export interface SimulatedResource {
  /** API group; '' for the core group. */
  group: string;
  version: string;
  /** Plural resource name used in URLs and RBAC rules. */
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /**
   * Built-in kinds are served from typed Go structs by a real server, so list
   * items carry no kind/apiVersion; custom resources keep them.
   */
  builtin: boolean;
  /** Whether a `/status` subresource exists (main endpoint then ignores status). */
  statusSubresource: boolean;
  /** Whether spec changes bump metadata.generation. */
  hasGeneration: boolean;
  /** Extra field selector labels beyond metadata.name / metadata.namespace. */
  fieldLabels: Record<string, (obj: any) => string | undefined>;
  shortNames?: string[];
}

/**
 * Groups that only exist when their CRDs are installed. trust-manager's
 * group is not installed unless a test asks for it (`installedGroups`).
 */
export type OptionalApiGroup =
  | 'cert-manager.io'
  | 'gateway.networking.k8s.io'
  | 'trust.cert-manager.io';

export const OPTIONAL_API_GROUPS: readonly OptionalApiGroup[] = [
  'cert-manager.io',
  'gateway.networking.k8s.io',
];

const core = (
  plural: string,
  singular: string,
  kind: string,
  namespaced: boolean,
  fieldLabels: SimulatedResource['fieldLabels'] = {},
): SimulatedResource => ({
  group: '',
  version: 'v1',
  plural,
  singular,
  kind,
  namespaced,
  builtin: true,
  statusSubresource: kind === 'Namespace',
  hasGeneration: false,
  fieldLabels,
});

const custom = (
  group: string,
  plural: string,
  singular: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[],
): SimulatedResource => ({
  group,
  version: 'v1',
  plural,
  singular,
  kind,
  namespaced,
  builtin: false,
  statusSubresource: true,
  hasGeneration: true,
  fieldLabels: {},
  shortNames,
});

export const SIMULATED_RESOURCES: readonly SimulatedResource[] = [
  core('secrets', 'secret', 'Secret', true, { type: obj => obj.type }),
  core('configmaps', 'configmap', 'ConfigMap', true),
  core('namespaces', 'namespace', 'Namespace', false, {
    'status.phase': obj => obj.status?.phase,
  }),
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    singular: 'ingress',
    kind: 'Ingress',
    namespaced: true,
    builtin: true,
    statusSubresource: true,
    hasGeneration: true,
    fieldLabels: {},
    shortNames: ['ing'],
  },
  custom(
    'cert-manager.io',
    'certificates',
    'certificate',
    'Certificate',
    true,
    ['cert', 'certs'],
  ),
  custom(
    'cert-manager.io',
    'certificaterequests',
    'certificaterequest',
    'CertificateRequest',
    true,
    ['cr', 'crs'],
  ),
  custom('cert-manager.io', 'issuers', 'issuer', 'Issuer', true, []),
  custom(
    'cert-manager.io',
    'clusterissuers',
    'clusterissuer',
    'ClusterIssuer',
    false,
    [],
  ),
  custom('gateway.networking.k8s.io', 'gateways', 'gateway', 'Gateway', true, [
    'gtw',
  ]),
  // trust-manager's Bundle: cluster-scoped, still v1alpha1.
  {
    ...custom(
      'trust.cert-manager.io',
      'bundles',
      'bundle',
      'Bundle',
      false,
      [],
    ),
    version: 'v1alpha1',
  },
];

export function groupVersionOf(resource: SimulatedResource): string {
  return resource.group
    ? `${resource.group}/${resource.version}`
    : resource.version;
}

export function resourceKeyOf(resource: SimulatedResource): string {
  return `${resource.group}/${resource.plural}`;
}

export function findResourceByPlural(
  group: string,
  version: string,
  plural: string,
): SimulatedResource | undefined {
  return SIMULATED_RESOURCES.find(
    r => r.group === group && r.version === version && r.plural === plural,
  );
}

export function findResourceByKind(
  apiVersion: string,
  kind: string,
): SimulatedResource | undefined {
  return SIMULATED_RESOURCES.find(
    r => groupVersionOf(r) === apiVersion && r.kind === kind,
  );
}

/** Verbs listed by discovery for every simulated resource. */
export const RESOURCE_VERBS = [
  'create',
  'delete',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
