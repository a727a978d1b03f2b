/**
 * The label and annotation names this project writes, in the domain it owns.
 * Earlier versions wrote the same names under `certificates.backstage.io/`,
 * a domain that belongs to the Backstage project; objects and entities still
 * carrying those are read too, the new name winning where both are set.
 * Like any label, these only describe: none of them grants an action.
 */
export const KUBECERTS_NAME_DOMAIN = 'kubecerts.dev/';
/** The domain of the names earlier versions wrote; read, never written. */
export const LEGACY_NAME_DOMAIN = 'certificates.backstage.io/';

/**
 * On delivered objects: the portal request that delivered them. Anyone who can
 * write a Secret can write it too, so it is a hint for people, never a link.
 */
export const REQUEST_ID_LABEL = `${KUBECERTS_NAME_DOMAIN}request-id`;
/** Read only. @deprecated written by earlier versions; use {@link REQUEST_ID_LABEL}. */
export const LEGACY_REQUEST_ID_LABEL = `${LEGACY_NAME_DOMAIN}request-id`;

/** On delivered objects: the lineage (first request id) of the request; descriptive. */
export const LINEAGE_LABEL = `${KUBECERTS_NAME_DOMAIN}lineage`;
/** Read only. @deprecated use {@link LINEAGE_LABEL}. */
export const LEGACY_LINEAGE_LABEL = `${LEGACY_NAME_DOMAIN}lineage`;

/** On a pending-key Secret: the request whose key it holds. */
export const PENDING_KEY_LABEL = `${KUBECERTS_NAME_DOMAIN}pending-key-for-request`;
/** Read only. @deprecated use {@link PENDING_KEY_LABEL}. */
export const LEGACY_PENDING_KEY_LABEL = `${LEGACY_NAME_DOMAIN}pending-key-for-request`;

/** On a pending-key Secret: the target Secret the key is meant for. */
export const PENDING_KEY_FOR_ANNOTATION = `${KUBECERTS_NAME_DOMAIN}target-secret`;
/** Read only. @deprecated use {@link PENDING_KEY_FOR_ANNOTATION}. */
export const LEGACY_PENDING_KEY_FOR_ANNOTATION = `${LEGACY_NAME_DOMAIN}target-secret`;

/** On a distributed trust bundle: the hash of the bundle the portal wrote. */
export const BUNDLE_HASH_ANNOTATION = `${KUBECERTS_NAME_DOMAIN}bundle-hash`;
/** Read only. @deprecated use {@link BUNDLE_HASH_ANNOTATION}. */
export const LEGACY_BUNDLE_HASH_ANNOTATION = `${LEGACY_NAME_DOMAIN}bundle-hash`;

/** On a User entity: the Kubernetes user names that person signs in to clusters as. */
export const KUBERNETES_USERNAMES_ANNOTATION = `${KUBECERTS_NAME_DOMAIN}kubernetes-usernames`;
/** Read only. @deprecated use {@link KUBERNETES_USERNAMES_ANNOTATION}. */
export const LEGACY_KUBERNETES_USERNAMES_ANNOTATION = `${LEGACY_NAME_DOMAIN}kubernetes-usernames`;

/** The name earlier versions used for one of this project's names. */
export function legacyNameOf(name: string): string {
  return name.startsWith(KUBECERTS_NAME_DOMAIN)
    ? `${LEGACY_NAME_DOMAIN}${name.slice(KUBECERTS_NAME_DOMAIN.length)}`
    : name;
}

/**
 * Reads one of this project's labels or annotations under its current name,
 * else under the name earlier versions wrote.
 */
export function readOwnName(
  values: Record<string, string | undefined> | undefined,
  name: string,
): string | undefined {
  return values?.[name] || values?.[legacyNameOf(name)] || undefined;
}

/** Whether a label or annotation key is one of this project's names, current or earlier. */
export function isOwnName(key: string): boolean {
  return (
    key.startsWith(KUBECERTS_NAME_DOMAIN) || key.startsWith(LEGACY_NAME_DOMAIN)
  );
}
