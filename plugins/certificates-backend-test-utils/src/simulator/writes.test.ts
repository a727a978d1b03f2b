import {
  CoreV1Api,
  CustomObjectsApi,
  PatchStrategy,
  setHeaderOptions,
  V1Secret,
} from '@kubernetes/client-node';
import { KubernetesApiSimulator } from './KubernetesApiSimulator';
import { failure } from './__testUtils__/calls';

const body = (name: string): V1Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name, labels: { app: 'pay' } },
  type: 'kubernetes.io/tls',
  stringData: { 'tls.crt': 'cert', 'tls.key': 'key' },
});

const pendingRequest = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'CertificateRequest',
  metadata: { namespace: 'payments', name: 'req-1' },
  spec: {
    request: 'LS0t',
    issuerRef: {
      name: 'demo-ca',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    },
  },
};

const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

describe('KubernetesApiSimulator writes', () => {
  let sim: KubernetesApiSimulator;
  let core: CoreV1Api;
  let custom: CustomObjectsApi;
  beforeEach(async () => {
    sim = await KubernetesApiSimulator.start();
    sim.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'payments' },
    });
    core = sim.kubeConfig().makeApiClient(CoreV1Api);
    custom = sim.kubeConfig().makeApiClient(CustomObjectsApi);
  });
  afterEach(() => sim.stop());
  /** Creates Secret payments/tls through the API. */
  const createTls = () =>
    core.createNamespacedSecret({ namespace: 'payments', body: body('tls') });

  it('creates, rejects duplicates with 409 AlreadyExists, and validates', async () => {
    const created = await createTls();
    expect(created.metadata).toMatchObject({
      namespace: 'payments',
      name: 'tls',
      resourceVersion: sim.resourceVersion,
    });
    expect(created.data?.['tls.crt']).toBe(
      Buffer.from('cert').toString('base64'),
    );
    const dup = await failure(createTls());
    expect(dup).toEqual({
      code: 409,
      status: expect.objectContaining({
        kind: 'Status',
        apiVersion: 'v1',
        status: 'Failure',
        reason: 'AlreadyExists',
        message: 'secrets "tls" already exists',
      }),
    });
    const noNs = await failure(
      core.createNamespacedSecret({ namespace: 'nowhere', body: body('tls') }),
    );
    expect(noNs.code).toBe(404);
    const invalid = await failure(
      core.createNamespacedSecret({
        namespace: 'payments',
        body: { ...body('x'), stringData: { 'tls.crt': 'c' } },
      }),
    );
    expect(invalid.code).toBe(422);
    expect(invalid.status.message).toContain('data[tls.key]: Required value');
  });

  it('replaces with optimistic concurrency: a stale resourceVersion is a 409 Conflict', async () => {
    const created = await createTls();
    const updated = await core.replaceNamespacedSecret({
      namespace: 'payments',
      name: 'tls',
      body: { ...created, data: { 'tls.crt': 'bmV3', 'tls.key': 'a2V5' } },
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    expect(updated.metadata?.uid).toBe(created.metadata?.uid);
    const stale = await failure(
      core.replaceNamespacedSecret({
        namespace: 'payments',
        name: 'tls',
        body: created,
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({ reason: 'Conflict' });
    expect(stale.status.message).toContain('the object has been modified');
  });

  it('patches with JSON Patch and merge patch, and refuses strategic merge on custom resources', async () => {
    await createTls();
    const jsonPatched = await core.patchNamespacedSecret({
      namespace: 'payments',
      name: 'tls',
      body: [{ op: 'add', path: '/metadata/labels/owner', value: 'team-a' }],
    });
    expect(jsonPatched.metadata?.labels).toEqual({
      app: 'pay',
      owner: 'team-a',
    });
    const merged = await core.patchNamespacedSecret(
      {
        namespace: 'payments',
        name: 'tls',
        body: { metadata: { labels: { app: null } } },
      },
      merge,
    );
    expect(merged.metadata?.labels).toEqual({ owner: 'team-a' });

    sim.apply(pendingRequest);
    const smp = await failure(
      custom.patchNamespacedCustomObject(
        {
          group: 'cert-manager.io',
          version: 'v1',
          namespace: 'payments',
          plural: 'certificaterequests',
          name: 'req-1',
          body: { metadata: { labels: { a: 'b' } } },
        },
        setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
      ),
    );
    expect(smp.code).toBe(415);
    expect(smp.status.reason).toBe('UnsupportedMediaType');
  });

  it('merge-patches certificaterequest status through /status only, with the approve right', async () => {
    sim.apply(pendingRequest);
    const approved = {
      status: {
        conditions: [
          {
            type: 'Approved',
            status: 'True',
            reason: 'portal',
            message: 'Approved by jane',
            lastTransitionTime: '2026-01-01T00:00:00Z',
          },
        ],
      },
    };
    const params = {
      group: 'cert-manager.io',
      version: 'v1',
      namespace: 'payments',
      plural: 'certificaterequests',
      name: 'req-1',
    };

    // The main endpoint ignores status.
    const viaMain = await custom.patchNamespacedCustomObject(
      { ...params, body: approved },
      merge,
    );
    expect(viaMain.status).toBeUndefined();

    sim.addToken(
      'writer',
      [
        {
          verbs: ['get', 'patch', 'update'],
          resources: ['certificaterequests', 'certificaterequests/status'],
        },
      ],
      { user: 'writer' },
    );
    const writer = sim.kubeConfig('writer').makeApiClient(CustomObjectsApi);
    const denied = await failure(
      writer.patchNamespacedCustomObjectStatus(
        { ...params, body: approved },
        merge,
      ),
    );
    expect(denied.code).toBe(403);
    expect(denied.status.message).toContain(
      'does not have permissions to set approved/denied conditions',
    );

    const patched = await custom.patchNamespacedCustomObjectStatus(
      { ...params, body: approved },
      merge,
    );
    expect(patched.status.conditions[0]).toMatchObject({
      type: 'Approved',
      status: 'True',
    });
    expect(patched.spec.request).toBe('LS0t');
    expect(
      sim.get('cert-manager.io/v1', 'CertificateRequest', 'payments', 'req-1')
        ?.status,
    ).toEqual(approved.status);

    const flip = await failure(
      custom.patchNamespacedCustomObjectStatus(
        {
          ...params,
          body: {
            status: { conditions: [{ type: 'Approved', status: 'False' }] },
          },
        },
        merge,
      ),
    );
    expect(flip.code).toBe(403);
  });

  it('bumps generation on spec changes of custom resources only', async () => {
    sim.apply({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { namespace: 'payments', name: 'c' },
      spec: { secretName: 's' },
    });
    const params = {
      group: 'cert-manager.io',
      version: 'v1',
      namespace: 'payments',
      plural: 'certificates',
      name: 'c',
    };
    const labelled = await custom.patchNamespacedCustomObject(
      { ...params, body: { metadata: { labels: { a: 'b' } } } },
      merge,
    );
    expect(labelled.metadata.generation).toBe(1);
    const respec = await custom.patchNamespacedCustomObject(
      { ...params, body: { spec: { renewBefore: '720h' } } },
      merge,
    );
    expect(respec.metadata.generation).toBe(2);
  });

  it('deletes with a Success status and 404 afterwards', async () => {
    await createTls();
    const status = await core.deleteNamespacedSecret({
      namespace: 'payments',
      name: 'tls',
    });
    expect(status).toMatchObject({
      status: 'Success',
      details: { name: 'tls', kind: 'secrets' },
    });
    const gone = await failure(
      core.readNamespacedSecret({ namespace: 'payments', name: 'tls' }),
    );
    expect(gone).toMatchObject({
      code: 404,
      status: { reason: 'NotFound', message: 'secrets "tls" not found' },
    });
  });
});
