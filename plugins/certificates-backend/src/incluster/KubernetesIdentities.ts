import { AuthService } from '@backstage/backend-plugin-api';
import { Entity, parseEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  KUBERNETES_USERNAMES_ANNOTATION,
  readOwnName,
} from '@kubecerts/backstage-plugin-certificates-common';
import { readUserEntity } from '../service/catalogUser';

// KUBERNETES_USERNAMES_ANNOTATION lists them comma or whitespace separated,
// e.g. `alice@example.com, oidc:alice`; set it from the identity provider's
// sync, not by hand.
export { KUBERNETES_USERNAMES_ANNOTATION };

/**
 * The Kubernetes usernames a user may appear under in a CertificateRequest's
 * `spec.username`: the annotation's values, the profile email and the user's
 * name (the usual OIDC username claims). Matching any of them makes an
 * in-cluster request the user's own.
 */
export function kubernetesIdentitiesOf(
  userEntityRef: string,
  entity?: Entity,
): string[] {
  const name = parseEntityRef(userEntityRef).name;
  const annotation =
    readOwnName(
      entity?.metadata.annotations,
      KUBERNETES_USERNAMES_ANNOTATION,
    ) ?? '';
  const email = (entity?.spec?.profile as { email?: unknown } | undefined)
    ?.email;
  return [
    ...annotation.split(/[\s,]+/),
    ...(typeof email === 'string' ? [email] : []),
    name,
  ].filter(identity => identity !== '');
}

/** Looks the identities up in the catalog, caching each user briefly. */
export class KubernetesIdentities {
  static create(options: {
    catalog: CatalogService;
    auth: AuthService;
    ttlMs?: number;
    now?: () => number;
  }): KubernetesIdentities {
    return new KubernetesIdentities(options);
  }

  private readonly cache = new Map<
    string,
    { identities: string[]; at: number }
  >();

  private constructor(
    private readonly o: Parameters<typeof KubernetesIdentities.create>[0],
  ) {}

  /**
   * Throws ServiceUnavailableError when the catalog cannot answer: without
   * the user's identities, "not your own request" cannot be established.
   */
  async of(userEntityRef: string): Promise<string[]> {
    const now = this.o.now ? this.o.now() : Date.now();
    const cached = this.cache.get(userEntityRef);
    if (cached && now - cached.at < (this.o.ttlMs ?? 60_000))
      return cached.identities;
    const entity = await readUserEntity(
      this.o,
      userEntityRef,
      `Cannot look up the Kubernetes identities of ${userEntityRef} in the catalog`,
    );
    const identities = kubernetesIdentitiesOf(userEntityRef, entity);
    this.cache.set(userEntityRef, { identities, at: now });
    return identities;
  }
}
