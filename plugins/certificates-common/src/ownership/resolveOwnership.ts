import { Ownership } from '../types';
import {
  LabelRequirement,
  matchesLabelSelector,
  parseLabelSelector,
} from './labelSelector';

export const KUBERNETES_ID_ANNOTATION = 'backstage.io/kubernetes-id';
export const KUBERNETES_ID_LABEL = 'backstage.io/kubernetes-id';
export const KUBERNETES_LABEL_SELECTOR_ANNOTATION =
  'backstage.io/kubernetes-label-selector';
export const KUBERNETES_NAMESPACE_ANNOTATION =
  'backstage.io/kubernetes-namespace';

type Labels = Record<string, string> | undefined;

/** The parts of a catalog entity that ownership needs. */
export interface OwnershipEntity {
  /** e.g. component:default/payments */
  entityRef: string;
  /** The entity's spec.owner as a full ref, e.g. group:default/team-a. */
  ownerRef?: string;
  annotations?: Record<string, string>;
}

/** Namespace → owner mapping from config; `*` at the end matches a prefix. */
export interface NamespaceMapping {
  namespace: string;
  /** Only for this cluster, when set. */
  cluster?: string;
  /** Group ref, e.g. group:default/team-a. */
  owner: string;
  /** Optional entity the namespace belongs to. */
  entityRef?: string;
}

/** Entities indexed for ownership lookups; build once per catalog refresh. */
export interface EntityOwnershipIndex {
  byKubernetesId: Map<string, OwnershipEntity>;
  selectors: Array<{
    entity: OwnershipEntity;
    requirements: LabelRequirement[];
    namespace?: string;
  }>;
}

export function buildEntityOwnershipIndex(
  entities: OwnershipEntity[],
): EntityOwnershipIndex {
  // Deterministic winner when two entities claim the same kubernetes-id.
  const sorted = [...entities].sort((a, b) =>
    a.entityRef.localeCompare(b.entityRef, 'en'),
  );
  const byKubernetesId = new Map<string, OwnershipEntity>();
  const selectors: EntityOwnershipIndex['selectors'] = [];
  for (const entity of sorted) {
    const id = entity.annotations?.[KUBERNETES_ID_ANNOTATION];
    if (id && !byKubernetesId.has(id)) {
      byKubernetesId.set(id, entity);
    }
    const selector = entity.annotations?.[KUBERNETES_LABEL_SELECTOR_ANNOTATION];
    const requirements = selector ? parseLabelSelector(selector) : undefined;
    if (requirements) {
      selectors.push({
        entity,
        requirements,
        namespace: entity.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION],
      });
    }
  }
  return { byKubernetesId, selectors };
}

export interface OwnershipInput {
  cluster?: string;
  namespace: string;
  secretLabels?: Labels;
  /** Labels of the cert-manager Certificate that writes the Secret. */
  certificateLabels?: Labels;
  /** Labels of the Ingresses (and Gateways) that reference the Secret. */
  ingressLabels?: Labels[];
  entities: EntityOwnershipIndex;
  namespaceMappings?: NamespaceMapping[];
}

function byId(index: EntityOwnershipIndex, labels: Labels) {
  const id = labels?.[KUBERNETES_ID_LABEL];
  return id ? index.byKubernetesId.get(id) : undefined;
}

function namespaceMatches(pattern: string, namespace: string): boolean {
  return pattern.endsWith('*')
    ? namespace.startsWith(pattern.slice(0, -1))
    : pattern === namespace;
}

function fromEntity(
  entity: OwnershipEntity,
  rule: Ownership['rule'],
): Ownership {
  return { entityRef: entity.entityRef, ownerRef: entity.ownerRef, rule };
}

/**
 * Decides which entity (and team) owns a certificate, in the documented
 * order: kubernetes-id label on the Secret, on its cert-manager Certificate,
 * on a referencing Ingress; an entity's label selector; a namespace mapping.
 * An empty object means unowned.
 */
export function resolveOwnership(input: OwnershipInput): Ownership {
  const { entities } = input;
  let entity = byId(entities, input.secretLabels);
  if (entity) return fromEntity(entity, 'secret-label');
  entity = byId(entities, input.certificateLabels);
  if (entity) return fromEntity(entity, 'certificate-label');
  for (const labels of input.ingressLabels ?? []) {
    entity = byId(entities, labels);
    if (entity) return fromEntity(entity, 'ingress-label');
  }
  const candidates: Labels[] = [
    input.secretLabels,
    input.certificateLabels,
    ...(input.ingressLabels ?? []),
  ].filter(l => l && Object.keys(l).length > 0);
  for (const s of entities.selectors) {
    if (s.namespace && s.namespace !== input.namespace) continue;
    if (candidates.some(l => matchesLabelSelector(s.requirements, l))) {
      return fromEntity(s.entity, 'label-selector');
    }
  }
  for (const m of input.namespaceMappings ?? []) {
    if (m.cluster && m.cluster !== input.cluster) continue;
    if (namespaceMatches(m.namespace, input.namespace)) {
      return {
        entityRef: m.entityRef,
        ownerRef: m.owner,
        rule: 'namespace-mapping',
      };
    }
  }
  return {};
}
