import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createLeafCertificate,
  testPki,
} from '@kubecerts/backstage-plugin-certificates-backend-test-utils';
import { trustManagePermission } from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import {
  allowAllPermissions,
  migratedDatabase,
  SECURITY_GROUP,
  startCertificatesBackend,
  testDatabases,
} from '../__testUtils__';

const databases = testDatabases();

describe('trust routes', () => {
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startCertificatesBackend>>;
  const permissions = allowAllPermissions();

  beforeAll(async () => {
    knex = await migratedDatabase(databases, 'SQLITE_3');
    backend = await startCertificatesBackend({
      knex,
      permissions,
      groups: {
        bob: [SECURITY_GROUP],
        carol: [SECURITY_GROUP],
        alice: [SECURITY_GROUP],
      },
      certificates: {
        trust: { approvals: { required: 2, approvers: [SECURITY_GROUP] } },
      },
    });
  });
  afterAll(async () => {
    await backend.stop();
    await knex.destroy();
  });

  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);

  it('lists the seeded roots and takes a change through two approvals', async () => {
    const overview = await backend.get('/trust');
    expect(overview.status).toBe(200);
    expect(overview.body.roots).toEqual([
      expect.objectContaining({ source: 'builtin' }),
    ]);
    expect(overview.body.approvals).toEqual({
      required: 2,
      approvers: [SECURITY_GROUP],
    });

    const { rogue } = await testPki();
    const created = await backend
      .post('/trust/changes')
      .send({ action: 'add', pem: rogue.certPem, reason: 'partner' });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const approveAs = (who: string) =>
      backend
        .post(`/trust/changes/${id}/decision`, who)
        .send({ decision: 'approve' });

    // The requester, a service and someone outside the approvers.
    expect((await approveAs('alice')).status).toBe(403);
    expect((await approveAs('service')).status).toBe(403);
    expect((await approveAs('eve')).status).toBe(403);
    expect(await count('certificates_trust_decisions')).toBe(0);

    expect((await approveAs('bob')).body.state).toBe('pending');
    expect((await approveAs('carol')).body.state).toBe('approved');
    const after = await backend.get('/trust');
    expect(after.body.roots.map((r: { source: string }) => r.source)).toEqual([
      'builtin',
      'portal',
    ]);
    const pem = await backend.get('/trust-bundle.pem', 'none');
    expect(pem.text).toContain(rogue.certPem.trim().split('\n')[1]);
  });

  it('answers 400 with the reason for a certificate that cannot be a root, and stores nothing', async () => {
    const before = await count('certificates_trust_changes');
    const leaf = await createLeafCertificate();
    const refused = await backend
      .post('/trust/changes')
      .send({ action: 'add', pem: leaf.certPem, reason: 'x' });
    expect(refused.status).toBe(400);
    expect(refused.body.error.message).toMatch(/not a CA certificate/);
    const noReason = await backend
      .post('/trust/changes')
      .send({ action: 'add', pem: leaf.certPem, reason: ' ' });
    expect(noReason.status).toBe(400);
    const byService = await backend
      .post('/trust/changes', 'service')
      .send({ action: 'add', pem: leaf.certPem, reason: 'x' });
    expect(byService.status).toBe(403);
    expect(await count('certificates_trust_changes')).toBe(before);
  });

  it('checks certificates.trust.manage before a sync', async () => {
    permissions.authorize.mockImplementation(async reqs =>
      reqs.map(r => ({
        result:
          r.permission.name === trustManagePermission.name
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })),
    );
    try {
      expect((await backend.post('/trust/sync').send({})).status).toBe(403);
      expect(await count('certificates_trust_targets')).toBe(0);
    } finally {
      permissions.authorize.mockImplementation(async reqs =>
        reqs.map(() => ({ result: AuthorizeResult.ALLOW })),
      );
    }
    const synced = await backend.post('/trust/sync').send({ repair: false });
    expect(synced.status).toBe(200);
    expect(synced.body).toEqual({ targets: [] });
  });
});
