import {
  RESOURCE_VERBS,
  SIMULATED_RESOURCES,
  SimulatedResource,
} from './resources';

/** Group for SelfSubjectAccessReview, always served. */
export const AUTHORIZATION_GROUP = 'authorization.k8s.io';

function resourceEntries(resources: SimulatedResource[]) {
  return resources.flatMap(r => [
    {
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: RESOURCE_VERBS,
      ...(r.shortNames?.length ? { shortNames: r.shortNames } : {}),
      ...(r.group ? {} : { storageVersionHash: '' }),
    },
    ...(r.statusSubresource
      ? [
          {
            name: `${r.plural}/status`,
            singularName: '',
            namespaced: r.namespaced,
            kind: r.kind,
            verbs: ['get', 'patch', 'update'],
          },
        ]
      : []),
  ]);
}

/** Builds discovery documents for the groups currently installed. */
export class Discovery {
  constructor(private readonly isInstalled: (group: string) => boolean) {}

  private served(): SimulatedResource[] {
    return SIMULATED_RESOURCES.filter(
      r => r.group === '' || this.isInstalled(r.group),
    );
  }

  private groups(): string[] {
    const groups = [
      ...new Set(
        this.served()
          .map(r => r.group)
          .filter(g => g),
      ),
    ];
    return [...groups, AUTHORIZATION_GROUP];
  }

  /** `GET /api` */
  coreVersions(serverAddress: string) {
    return {
      kind: 'APIVersions',
      versions: ['v1'],
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  private group(name: string) {
    const version = this.served().find(r => r.group === name)?.version ?? 'v1';
    const gv = { groupVersion: `${name}/${version}`, version };
    return { name, versions: [gv], preferredVersion: gv };
  }

  /** `GET /apis` */
  groupList() {
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: this.groups().map(g => this.group(g)),
    };
  }

  /** `GET /apis/{group}`, or undefined when the group is not installed. */
  groupDocument(group: string) {
    if (!this.groups().includes(group)) return undefined;
    return { kind: 'APIGroup', apiVersion: 'v1', ...this.group(group) };
  }

  /** `GET /api/v1` or `GET /apis/{group}/{version}`, or undefined when not served. */
  resourceList(group: string, version: string) {
    if (group === AUTHORIZATION_GROUP) {
      if (version !== 'v1') return undefined;
      return {
        kind: 'APIResourceList',
        apiVersion: 'v1',
        groupVersion: `${group}/v1`,
        resources: [
          {
            name: 'selfsubjectaccessreviews',
            singularName: 'selfsubjectaccessreview',
            namespaced: false,
            kind: 'SelfSubjectAccessReview',
            verbs: ['create'],
          },
        ],
      };
    }
    const resources = this.served().filter(
      r => r.group === group && r.version === version,
    );
    if (!resources.length) return undefined;
    return {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: group ? `${group}/${version}` : version,
      resources: resourceEntries(resources),
    };
  }
}
