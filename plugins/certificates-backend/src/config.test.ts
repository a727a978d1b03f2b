import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { readCertificatesSettings } from './config';

const read = (certificates?: JsonObject) =>
  readCertificatesSettings(
    new ConfigReader({
      backend: { baseUrl: 'http://localhost:7007/' },
      ...(certificates ? { certificates } : {}),
    }),
  );

const policy = (extra: JsonObject = {}) => ({
  name: 'services',
  allowedDnsNames: ['{{entity.name}}.example.com'],
  ...extra,
});

describe('readCertificatesSettings', () => {
  it('applies the documented defaults when nothing is configured', () => {
    expect(read()).toEqual({
      app: {},
      builtinCa: {
        previousEncryptionKeys: [],
        requireEncryptionKey: false,
        organization: 'Certificates Portal',
        baseUrl: 'http://localhost:7007',
      },
      trust: {
        approvedRoots: [],
        includeBuiltinRoot: true,
        allowIntermediates: false,
        approvals: { required: 1, approvers: [] },
        distribution: [],
        syncInterval: { minutes: 5 },
      },
      clusters: [],
      discovery: {
        namespaces: {},
        resyncInterval: { minutes: 30 },
        catalogRefreshInterval: { minutes: 5 },
        lastSeenResolution: { hours: 6 },
        preparedStatements: true,
        lease: { duration: { seconds: 15 }, renewInterval: { seconds: 5 } },
      },
      health: { thresholds: {}, approvedIssuers: [] },
      ownership: { namespaceMappings: [] },
      certManagerIssuers: [],
      policies: [],
      requests: { maxOpenPerUser: 20 },
      approvals: {
        inCluster: { enabled: false, approvers: [], caIssuers: [] },
        notifyFrequency: { seconds: 30 },
        issuanceWait: { seconds: 10 },
      },
      issuance: {
        frequency: { seconds: 30 },
        timeout: { minutes: 5 },
        lease: { minutes: 1 },
      },
      renewal: { automatic: true, fraction: 2 / 3, frequency: { hours: 1 } },
      notifications: {
        expiry: {
          enabled: true,
          thresholdsDays: [30, 14, 7, 1],
          frequency: { hours: 1 },
          timeout: { minutes: 15 },
        },
      },
      endpoints: {
        enabled: true,
        frequency: { minutes: 15 },
        timeout: { minutes: 10 },
        handshakeTimeoutMs: 5000,
        concurrency: 32,
        maxPerEntity: 20,
        allowPrivateNetworks: true,
        allowLoopback: false,
      },
    });
  });

  it('reads a full configuration', () => {
    const settings = read({
      builtinCa: {
        encryptionKey: 'k'.repeat(40),
        previousEncryptionKeys: ['p'.repeat(40)],
        requireEncryptionKey: true,
        organization: 'Example Corp',
      },
      trust: { approvedRoots: ['PEM'], includeBuiltinRoot: false },
      clusters: [
        {
          name: 'prod',
          url: 'https://k8s.example.com',
          dashboardUrl: 'x',
          authProvider: 'aws',
          authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'prod' },
        },
      ],
      discovery: {
        namespaces: { include: ['team-*'], exclude: ['kube-system'] },
        pageSize: 100,
        preparedStatements: false,
      },
      health: {
        warningDays: 21,
        criticalDays: 3,
        approvedIssuers: ['CN=Corp CA'],
      },
      ownership: {
        namespaceMappings: [
          { namespace: 'shop-*', owner: 'group:default/shop' },
        ],
      },
      certManagerIssuers: [{ id: 'cm', cluster: 'prod', name: 'corp-ca' }],
      policies: [
        policy({
          selector: { owner: ['group:default/team-a'] },
          keyAlgorithms: ['ECDSA-P256'],
          deliveries: ['csr', 'cert-manager'],
          autoApprove: { maxValidityDays: 30, deliveries: ['csr'] },
          approvals: { required: 2, approvers: ['group:default/sec'] },
        }),
      ],
      requests: { maxOpenPerUser: 5 },
      approvals: {
        inCluster: { enabled: true, approvers: ['group:default/sec'] },
      },
      renewal: { automatic: false, fraction: 0.5 },
      notifications: { expiry: { enabled: false, thresholdsDays: [7, 30, 7] } },
    });
    expect(settings.builtinCa).toMatchObject({
      encryptionKey: 'k'.repeat(40),
      requireEncryptionKey: true,
      organization: 'Example Corp',
    });
    expect(settings.trust).toEqual({
      approvedRoots: ['PEM'],
      includeBuiltinRoot: false,
      allowIntermediates: false,
      approvals: { required: 1, approvers: [] },
      distribution: [],
      syncInterval: { minutes: 5 },
    });
    // Cluster entries keep keys clusters/ interprets beyond the common ones.
    expect(settings.clusters).toEqual([
      {
        name: 'prod',
        url: 'https://k8s.example.com',
        dashboardUrl: 'x',
        authProvider: 'aws',
        authMetadata: { 'kubernetes.io/x-k8s-aws-id': 'prod' },
      },
    ]);
    expect(settings.discovery.namespaces).toEqual({
      include: ['team-*'],
      exclude: ['kube-system'],
    });
    expect(settings.discovery.pageSize).toBe(100);
    expect(settings.discovery.preparedStatements).toBe(false);
    // Only configured thresholds: the others keep the defaults of -common.
    expect(settings.health).toEqual({
      thresholds: { warningDays: 21, criticalDays: 3 },
      approvedIssuers: ['CN=Corp CA'],
    });
    expect(settings.certManagerIssuers).toEqual([
      { id: 'cm', cluster: 'prod', name: 'corp-ca', kind: 'ClusterIssuer' },
    ]);
    expect(settings.policies[0]).toMatchObject({
      name: 'services',
      autoApprove: { maxValidityDays: 30, deliveries: ['csr'] },
      approvals: { required: 2 },
    });
    expect(settings.requests.maxOpenPerUser).toBe(5);
    expect(settings.approvals.inCluster).toEqual({
      enabled: true,
      approvers: ['group:default/sec'],
      caIssuers: [],
    });
    expect(settings.renewal).toMatchObject({ automatic: false, fraction: 0.5 });
    expect(settings.notifications.expiry).toMatchObject({
      enabled: false,
      thresholdsDays: [30, 7],
    });
  });

  it('gives a policy without allowedDnsNames no DNS names, as before', () => {
    expect(read({ policies: [{ name: 'p' }] }).policies).toEqual([
      { name: 'p', allowedDnsNames: [] },
    ]);
  });

  it.each([
    ['a Backstage duration object', { minutes: 10 }, { minutes: 10 }],
    ['an ISO 8601 string', 'PT10M', { minutes: 10 }],
    ['an ISO 8601 string with days and hours', 'P1DT2H', { days: 1, hours: 2 }],
    ['a ms-style string', '10m', { minutes: 10 }],
  ])('accepts every duration as %s', (_, value, expected) => {
    const settings = read({
      discovery: {
        resyncInterval: value,
        catalogRefreshInterval: value,
        lastSeenResolution: value,
        historyRetention: value,
      },
      approvals: { notifyFrequency: value },
      issuance: { frequency: value, timeout: value, lease: value },
      renewal: { frequency: value },
      notifications: { expiry: { frequency: value, timeout: value } },
    });
    expect([
      settings.discovery.resyncInterval,
      settings.discovery.catalogRefreshInterval,
      settings.discovery.lastSeenResolution,
      settings.discovery.historyRetention,
      settings.approvals.notifyFrequency,
      settings.issuance.frequency,
      settings.issuance.timeout,
      settings.issuance.lease,
      settings.renewal.frequency,
      settings.notifications.expiry.frequency,
      settings.notifications.expiry.timeout,
    ]).toEqual(Array(11).fill(expected));
  });

  it.each<[string, JsonObject, RegExp]>([
    [
      'a policy value of the wrong type',
      { policies: [policy(), policy({ name: 'b', maxValidityDays: '30' })] },
      /certificates\.policies\[1\]\.maxValidityDays: Invalid input: expected number, received string/,
    ],
    [
      'a misspelt policy key',
      { policies: [policy({ maxValidityDay: 30 })] },
      /certificates\.policies\[0\]\.maxValidityDay: Unrecognized key/,
    ],
    [
      'an unknown key algorithm',
      { policies: [policy({ keyAlgorithms: ['RSA-1024'] })] },
      /certificates\.policies\[0\]\.keyAlgorithms\[0\]: /,
    ],
    [
      'an unknown delivery in autoApprove',
      { policies: [policy({ autoApprove: { deliveries: ['ftp'] } })] },
      /certificates\.policies\[0\]\.autoApprove/,
    ],
    [
      'zero required approvals',
      { policies: [policy({ approvals: { required: 0 } })] },
      /certificates\.policies\[0\]\.approvals\.required: /,
    ],
    [
      'two policies of one name',
      { policies: [policy(), policy()] },
      /certificates\.policies\[1\]\.name: Duplicate policy name 'services'/,
    ],
    [
      'a policy without a name',
      { policies: [{ allowedDnsNames: [] }] },
      /certificates\.policies\[0\]\.name: /,
    ],
    [
      'a duration with an unknown unit',
      { issuance: { frequency: { fortnights: 1 } } },
      /certificates\.issuance\.frequency: .*Needs one or more of 'years'/,
    ],
    [
      'a duration string that does not parse',
      { renewal: { frequency: 'soon' } },
      /certificates\.renewal\.frequency: /,
    ],
    [
      'a renewal fraction outside (0, 1)',
      { renewal: { fraction: 1.5 } },
      /certificates\.renewal\.fraction: must be between 0 and 1 \(exclusive\)/,
    ],
    [
      'a fractional open-request limit',
      { requests: { maxOpenPerUser: 2.5 } },
      /certificates\.requests\.maxOpenPerUser: must be a whole number of at least 1/,
    ],
    [
      'a threshold that is not a whole day',
      { notifications: { expiry: { thresholdsDays: [7, 0.5] } } },
      /certificates\.notifications\.expiry\.thresholdsDays: Expiry thresholds must be whole days greater than 0/,
    ],
    [
      'a cert-manager issuer of an unknown kind',
      {
        certManagerIssuers: [
          { id: 'x', cluster: 'c', name: 'n', kind: 'Vault' },
        ],
      },
      /certificates\.certManagerIssuers\[0\]\.kind: /,
    ],
    [
      'a cluster without a name',
      { clusters: [{ url: 'https://k8s' }] },
      /certificates\.clusters\[0\]\.name: /,
    ],
    [
      'a namespace mapping without an owner',
      { ownership: { namespaceMappings: [{ namespace: 'a' }] } },
      /certificates\.ownership\.namespaceMappings\[0\]\.owner: /,
    ],
    [
      'a boolean written as a string',
      { approvals: { inCluster: { enabled: 'yes' } } },
      /certificates\.approvals\.inCluster\.enabled: /,
    ],
    [
      'a misspelt section key',
      { discovery: { resyncIntervall: { minutes: 5 } } },
      /certificates\.discovery\.resyncIntervall: Unrecognized key/,
    ],
    [
      'prepared statements switched off as a string',
      { discovery: { preparedStatements: 'false' } },
      /certificates\.discovery\.preparedStatements: /,
    ],
    [
      'a page size of zero',
      { discovery: { pageSize: 0 } },
      /certificates\.discovery\.pageSize: /,
    ],
    [
      'a cluster lease renewed less than twice per lease',
      { discovery: { lease: { duration: '10s', renewInterval: '6s' } } },
      /certificates\.discovery\.lease: renewInterval must be at most half/,
    ],
  ])('refuses %s, naming the key', (_, certificates, error) => {
    expect(() => read(certificates)).toThrow(error);
  });

  it('reads app.baseUrl for the links in notifications', () => {
    const settings = readCertificatesSettings(
      new ConfigReader({
        backend: { baseUrl: 'http://localhost:7007' },
        app: { baseUrl: 'https://portal.example.com/' },
      }),
    );
    expect(settings.app.baseUrl).toBe('https://portal.example.com');
    expect(read().app.baseUrl).toBeUndefined();
  });

  it('lists every bad key at once', () => {
    expect(() =>
      read({ renewal: { fraction: 2 }, requests: { maxOpenPerUser: 0 } }),
    ).toThrow(
      /certificates\.requests\.maxOpenPerUser: .*; certificates\.renewal\.fraction: |certificates\.renewal\.fraction: .*; certificates\.requests\.maxOpenPerUser: /,
    );
  });

  it('leaves sections of other modules (acme, demo cluster) to them', () => {
    expect(() =>
      read({
        acme: { directoryUrl: 'https://acme' },
        demoCluster: { enabled: false },
      }),
    ).not.toThrow();
  });
});
