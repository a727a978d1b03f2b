import { Entity } from '@backstage/catalog-model';

/**
 * A catalog Component as policies read it: a service of team-a unless `spec`
 * says otherwise, with the kubernetes-namespace annotation when one is given.
 * The namespace stays as given (the catalog fills in `default`).
 */
export function componentEntity(options: {
  name: string;
  namespace?: string;
  kubernetesNamespace?: string;
  spec?: Record<string, unknown>;
}): Entity {
  const { name, namespace, kubernetesNamespace, spec } = options;
  const annotations =
    kubernetesNamespace === undefined
      ? undefined
      : { 'backstage.io/kubernetes-namespace': kubernetesNamespace };
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace, annotations },
    spec: { type: 'service', owner: 'team-a', ...spec },
  };
}
