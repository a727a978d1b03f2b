import { Entity } from '@backstage/catalog-model';

/**
 * The demo-like world the reliability suites attack: two teams with one
 * service each, a platform team with a badly annotated service, and a
 * security team that approves.
 */
export const GROUPS = {
  payments: 'group:default/payments',
  storefront: 'group:default/storefront',
  security: 'group:default/security',
  platform: 'group:default/platform',
} as const;

export const USERS = {
  alice: 'user:default/alice',
  carol: 'user:default/carol',
  cody: 'user:default/cody',
  sam: 'user:default/sam',
  sasha: 'user:default/sasha',
  sol: 'user:default/sol',
  pat: 'user:default/pat',
  dave: 'user:default/dave',
} as const;

export type UserName = keyof typeof USERS;

/** Who is in which group when a suite starts; suites may change it. */
export function initialMembership(): Map<string, string[]> {
  return new Map<string, string[]>([
    [USERS.alice, [GROUPS.payments]],
    [USERS.carol, [GROUPS.storefront]],
    [USERS.cody, [GROUPS.storefront]],
    [USERS.sam, [GROUPS.security]],
    [USERS.sasha, [GROUPS.security]],
    [USERS.sol, [GROUPS.security]],
    [USERS.pat, [GROUPS.platform]],
    [USERS.dave, []],
  ]);
}

export const ENTITIES = {
  paymentsApi: 'component:default/payments-api',
  checkoutWeb: 'component:default/checkout-web',
  wildSvc: 'component:default/wild-svc',
} as const;

function component(name: string, owner: string, namespace: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        'backstage.io/kubernetes-id': name,
        'backstage.io/kubernetes-namespace': namespace,
      },
    },
    spec: { type: 'service', lifecycle: 'production', owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

/** Components, groups and users, with relations as the catalog would emit them. */
export function catalogEntities(membership: Map<string, string[]>): Entity[] {
  const users: Entity[] = [...membership].map(([ref, groups]) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: ref.split('/')[1], namespace: 'default' },
    spec: { memberOf: [...groups], profile: {} },
    relations: groups.map(g => ({ type: 'memberOf', targetRef: g })),
  }));
  const groups: Entity[] = Object.values(GROUPS).map(ref => {
    const members = [...membership]
      .filter(([, gs]) => gs.includes(ref))
      .map(([u]) => u);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: { name: ref.split('/')[1], namespace: 'default' },
      spec: {
        type: 'team',
        children: [],
        members: members.map(m => m.split('/')[1]),
      },
      relations: members.map(m => ({ type: 'hasMember', targetRef: m })),
    };
  });
  return [
    component('payments-api', GROUPS.payments, 'payments'),
    component('checkout-web', GROUPS.storefront, 'storefront'),
    // Attack 3: an annotation meant as a literal namespace, written as a pattern.
    component('wild-svc', GROUPS.platform, '*'),
    ...groups,
    ...users,
  ];
}

export const CA_KEY = 'reliability-suite-encryption-key-of-40-chars';

/** Policies as a platform team would write them for this world. */
export function policies() {
  return [
    {
      name: 'payments',
      selector: { owner: [GROUPS.payments] },
      allowedDnsNames: [
        '{{entity.name}}.shop.example.com',
        '*.{{entity.name}}.shop.example.com',
      ],
      maxValidityDays: 90,
      allowedNamespaces: ['payments'],
      autoApprove: { maxValidityDays: 30, deliveries: ['csr', 'secret'] },
      approvals: { required: 1, approvers: [GROUPS.security] },
    },
    {
      name: 'storefront',
      selector: { owner: [GROUPS.storefront] },
      allowedDnsNames: ['{{entity.name}}.shop.example.com'],
      maxValidityDays: 90,
      allowedNamespaces: ['storefront'],
      autoApprove: false,
      approvals: { required: 2, approvers: [GROUPS.security] },
    },
    {
      name: 'internal-default',
      allowedDnsNames: ['{{entity.name}}.internal.example.com'],
      maxValidityDays: 30,
      approvals: { required: 1, approvers: [GROUPS.security] },
    },
  ];
}

/** Names used in the simulated cluster. */
export const CLUSTER = 'prod';
export const CERT_MANAGER_ISSUER = 'corp-ca';
export const OPEN_REQUEST_CAP = 5;
