import { describeDatabases, startCertificatesBackend } from '../__testUtils__';

describeDatabases('requests checked against the OpenAPI document', db => {
  let backend: Awaited<ReturnType<typeof startCertificatesBackend>>;

  beforeAll(async () => {
    backend = await startCertificatesBackend({
      knex: await db.migrated('SQLITE_3'),
    });
  });

  afterAll(async () => {
    await backend?.stop();
  });

  it('serves the document without sign-in, paths under the plugin', async () => {
    const res = await backend.get('/openapi.json', 'none');
    expect(res.status).toBe(200);
    // The served copy is merged under the plugin's base path by openapi-merge.
    expect(res.body.openapi).toMatch(/^3\./);
    expect(Object.keys(res.body.paths)).toContain(
      '/api/certificates/requests/{id}/decision',
    );
  });

  it('refuses what the spec does not allow, naming the parameter', async () => {
    const badLimit = await backend.get('/requests?limit=many');
    expect(badLimit.status).toBe(400);
    expect(badLimit.body.error).toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/limit/),
    });

    const unknown = await backend.get('/requests?colour=blue');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/colour/);

    const badState = await backend.get('/requests?state=done');
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toMatch(/state/);
  });

  it("keeps a self-checking route's own answer", async () => {
    const decision = await backend
      .post('/requests/some-id/decision')
      .send({ decision: 'maybe' });
    expect(decision.status).toBe(400);
    expect(decision.body.error.message).toMatch(/^decision: /);

    // A request form still gets field-by-field violations.
    const submit = await backend.post('/requests').send({ entityRef: 'x' });
    expect(submit.status).toBe(400);
    expect(submit.body.violations).toEqual(
      expect.arrayContaining([expect.objectContaining({ field: 'dnsNames' })]),
    );

    const query = await backend.get('/certificates?sort=colour');
    expect(query.status).toBe(400);
    expect(query.body.error.message).toMatch(/^Invalid query: sort/);
  });

  it('keeps the body parser answers', async () => {
    const large = await backend
      .post('/requests')
      .send({ justification: 'x'.repeat(100 * 1024) });
    expect(large.status).toBe(413);

    const broken = await backend
      .post('/requests/some-id/decision')
      .set('Content-Type', 'application/json')
      .send('{"decision":');
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).not.toMatch(/request\/body/);
  });
});
