import { statusErrors } from './status';

/** RBAC verbs the simulator checks (`approve` on `signers` is cert-manager's approval check). */
export type SimulatorVerb =
  | 'get'
  | 'list'
  | 'watch'
  | 'create'
  | 'update'
  | 'patch'
  | 'delete'
  | 'approve';

/**
 * One grant, like an RBAC rule bound to the token. A token holds the union of
 * its rules.
 */
export interface AccessRule {
  /** Verbs granted; '*' for all. */
  verbs: Array<SimulatorVerb | '*'>;
  /**
   * Resources granted, by plural name ('secrets', 'certificates'); a
   * subresource is named 'certificaterequests/status'; 'signers' for
   * cert-manager approval; '*' for all (including subresources).
   */
  resources: string[];
  /** API groups ('' for core); all when omitted. */
  apiGroups?: string[];
  /**
   * Namespaces where the rule applies; omitted or containing '*' means
   * cluster-wide (like a ClusterRoleBinding), which is also what listing
   * across all namespaces and cluster-scoped resources need.
   */
  namespaces?: string[];
}

/** Everything, everywhere. */
export const FULL_ACCESS: AccessRule[] = [{ verbs: ['*'], resources: ['*'] }];

/** Read-only (get/list/watch) on everything, everywhere. */
export const READ_ONLY_ACCESS: AccessRule[] = [
  { verbs: ['get', 'list', 'watch'], resources: ['*'] },
];

export interface AccessRequest {
  verb: SimulatorVerb;
  group: string;
  /** Plural, or 'plural/subresource'. */
  resource: string;
  /** Undefined for cluster scope. */
  namespace?: string;
  name?: string;
}

interface TokenEntry {
  user: string;
  rules: AccessRule[];
}

/**
 * Resolves a bearer token the registry does not hold, like a webhook token
 * authenticator (EKS's aws-iam-authenticator, a cloud IAM): the user and
 * grants, or undefined for 401.
 */
export type TokenAuthenticator = (
  token: string,
) => { user: string; rules: AccessRule[] } | undefined;

/** The bearer tokens the simulator accepts and what each may do. */
export class TokenRegistry {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly authenticators: TokenAuthenticator[] = [];

  addAuthenticator(authenticator: TokenAuthenticator): void {
    this.authenticators.push(authenticator);
  }

  set(token: string, rules: AccessRule[], user?: string): void {
    this.tokens.set(token, {
      user: user ?? `system:serviceaccount:default:${token.slice(0, 12)}`,
      rules: structuredClone(rules),
    });
  }

  delete(token: string): void {
    this.tokens.delete(token);
  }

  /** Resolves the Authorization header to a token entry, or throws 401. */
  authenticate(authorization: string | undefined): TokenEntry {
    const match = /^Bearer\s+(.+)$/i.exec(authorization ?? '');
    const token = match?.[1].trim();
    const entry =
      token === undefined
        ? undefined
        : this.tokens.get(token) ??
          this.authenticators
            .map(authenticate => authenticate(token))
            .find(found => found !== undefined);
    if (!entry) throw statusErrors.unauthorized();
    return entry;
  }

  static allows(entry: TokenEntry, request: AccessRequest): boolean {
    return entry.rules.some(rule => {
      const verbOk =
        rule.verbs.includes('*') || rule.verbs.includes(request.verb);
      const groupOk =
        !rule.apiGroups ||
        rule.apiGroups.includes('*') ||
        rule.apiGroups.includes(request.group);
      const resourceOk =
        rule.resources.includes('*') ||
        rule.resources.includes(request.resource);
      const clusterWide = !rule.namespaces || rule.namespaces.includes('*');
      const namespaceOk =
        clusterWide ||
        (request.namespace !== undefined &&
          rule.namespaces!.includes(request.namespace));
      return verbOk && groupOk && resourceOk && namespaceOk;
    });
  }

  /** Throws the 403 Status a real server answers when RBAC denies. */
  static authorize(entry: TokenEntry, request: AccessRequest): void {
    if (TokenRegistry.allows(entry, request)) return;
    const [plural] = request.resource.split('/');
    const qualified = request.group ? `${plural}.${request.group}` : plural;
    const target = request.name ? `${qualified} "${request.name}"` : qualified;
    const scope = request.namespace
      ? `in the namespace "${request.namespace}"`
      : 'at the cluster scope';
    throw statusErrors.forbidden(
      `${target} is forbidden: User "${entry.user}" cannot ${request.verb} resource "${request.resource}" in API group "${request.group}" ${scope}`,
      { group: request.group, plural, name: request.name },
    );
  }
}
