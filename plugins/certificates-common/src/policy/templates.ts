import { Entity } from '@backstage/catalog-model';

/** Values of the `{{...}}` templates in policy patterns. */
export type TemplateContext = Record<string, string | undefined>;

const KUBERNETES_NAMESPACE_ANNOTATION = 'backstage.io/kubernetes-namespace';

/**
 * `entity.name`, `entity.namespace`, and `kubernetes.namespace` (the
 * entity's kubernetes-namespace annotation, else its catalog namespace).
 */
export function templateContext(entity: Entity): TemplateContext {
  const namespace = entity.metadata.namespace ?? 'default';
  return {
    'entity.name': entity.metadata.name.toLowerCase(),
    'entity.namespace': namespace.toLowerCase(),
    'kubernetes.namespace': (
      entity.metadata.annotations?.[KUBERNETES_NAMESPACE_ANNOTATION] ?? namespace
    ).toLowerCase(),
  };
}

/** Fills in the templates; undefined when one is unknown or has no value. */
export function expandTemplate(
  pattern: string,
  context: TemplateContext,
): string | undefined {
  let unresolved = false;
  const expanded = pattern.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (_m, key: string) => {
    const value = context[key];
    if (value === undefined) {
      unresolved = true;
      return '';
    }
    return value;
  });
  return unresolved ? undefined : expanded.toLowerCase();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a (lower-case) name matches an expanded pattern. A pattern label
 * `*` matches exactly one label (a wildcard label included); a `*` inside a
 * label matches characters within that label only.
 */
export function matchesPattern(name: string, pattern: string): boolean {
  const nameLabels = name.split('.');
  const patternLabels = pattern.split('.');
  if (nameLabels.length !== patternLabels.length) {
    return false;
  }
  return patternLabels.every((p, i) => {
    const n = nameLabels[i];
    if (p === '*') {
      return n.length > 0;
    }
    if (p.includes('*')) {
      if (n === '*') {
        return false;
      }
      const regex = new RegExp(`^${p.split('*').map(escapeRegExp).join('[a-z0-9-]+')}$`);
      return regex.test(n);
    }
    return p === n;
  });
}
