import { createVerify, generateKeyPairSync } from 'node:crypto';
import { http, HttpResponse } from 'msw';

/** Answers every request that leaves the machine with a network error. */
export const noExternalNetwork = http.all(
  /^https?:\/\/(?!127\.0\.0\.1[:/])/,
  () => HttpResponse.error(),
);

/** AWS STS AssumeRole, answering each call with fresh session keys. */
export function mockStsAssumeRole(options: {
  /** Access key id the request must be signed with. */
  callerKeyId: string;
  onAssume: (
    roleArn: string,
    externalId: string | null,
  ) => { keyId: string; secret: string };
}) {
  return http.post(
    /^https:\/\/sts\.([a-z0-9-]+\.)?amazonaws\.com\/?$/,
    async ({ request }) => {
      const body = new URLSearchParams(await request.text());
      const authorization = request.headers.get('authorization') ?? '';
      const signedByCaller = authorization.includes(
        `Credential=${options.callerKeyId}/`,
      );
      // Backstage's AWS credentials manager first asks who the main identity is.
      if (body.get('Action') === 'GetCallerIdentity' && signedByCaller) {
        return new HttpResponse(
          `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <GetCallerIdentityResult>
    <Arn>arn:aws:iam::111111111111:user/backend</Arn>
    <UserId>AIDABACKEND</UserId>
    <Account>111111111111</Account>
  </GetCallerIdentityResult>
  <ResponseMetadata><RequestId>r-0</RequestId></ResponseMetadata>
</GetCallerIdentityResponse>`,
          { headers: { 'content-type': 'text/xml' } },
        );
      }
      if (body.get('Action') !== 'AssumeRole' || !signedByCaller) {
        return new HttpResponse(
          '<ErrorResponse><Error><Code>AccessDenied</Code><Message>denied</Message></Error></ErrorResponse>',
          {
            status: 403,
            headers: { 'content-type': 'text/xml' },
          },
        );
      }
      const role = body.get('RoleArn') ?? '';
      const { keyId, secret } = options.onAssume(role, body.get('ExternalId'));
      return new HttpResponse(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>${role}/session</Arn><AssumedRoleId>AROA:session</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${keyId}</AccessKeyId>
      <SecretAccessKey>${secret}</SecretAccessKey>
      <SessionToken>session-${keyId}</SessionToken>
      <Expiration>${new Date(Date.now() + 3600_000).toISOString()}</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata>
</AssumeRoleResponse>`,
        { headers: { 'content-type': 'text/xml' } },
      );
    },
  );
}

/** A Google service-account key file, and the token endpoint that honours it. */
export function googleServiceAccount(accessToken: () => string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
  });
  const clientEmail = 'certificates@project.iam.gserviceaccount.com';
  const keyFile = {
    type: 'service_account',
    project_id: 'project',
    private_key_id: 'key-1',
    private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    client_email: clientEmail,
    client_id: '1',
    token_uri: 'https://oauth2.googleapis.com/token',
  };
  // gtoken posts to its own default endpoint, whatever the key file says.
  const handler = http.post(
    /^https:\/\/(oauth2\.googleapis\.com\/token|www\.googleapis\.com\/oauth2\/v4\/token)$/,
    async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      const [header, payload, signature] = (form.get('assertion') ?? '').split(
        '.',
      );
      const verifier = createVerify('RSA-SHA256');
      verifier.update(`${header}.${payload}`);
      const claims = JSON.parse(
        Buffer.from(payload ?? '', 'base64url').toString() || '{}',
      );
      const valid =
        form.get('grant_type') ===
          'urn:ietf:params:oauth:grant-type:jwt-bearer' &&
        signature !== undefined &&
        verifier.verify(publicKey, Buffer.from(signature, 'base64url')) &&
        claims.iss === clientEmail;
      if (!valid) {
        return HttpResponse.json({ error: 'invalid_grant' }, { status: 400 });
      }
      return HttpResponse.json({
        access_token: accessToken(),
        expires_in: 3600,
        token_type: 'Bearer',
      });
    },
  );
  return { keyFile, clientEmail, handler };
}

/** Microsoft Entra ID for a client-secret credential (what DefaultAzureCredential uses from the environment). */
export function entraIdTokenEndpoint(options: {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  accessToken: () => string;
  onScope?: (scope: string | null) => void;
}) {
  const base = 'https://login.microsoftonline.com';
  const { tenantId } = options;
  const metadata = {
    token_endpoint: `${base}/${tenantId}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/${tenantId}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/${tenantId}/oauth2/v2.0/logout`,
    issuer: `${base}/${tenantId}/v2.0`,
    jwks_uri: `${base}/${tenantId}/discovery/v2.0/keys`,
  };
  return [
    http.get(`${base}/common/discovery/instance`, () =>
      HttpResponse.json({
        tenant_discovery_endpoint: `${base}/${tenantId}/v2.0/.well-known/openid-configuration`,
        'api-version': '1.1',
        metadata: [
          {
            preferred_network: 'login.microsoftonline.com',
            preferred_cache: 'login.windows.net',
            aliases: ['login.microsoftonline.com', 'login.windows.net'],
          },
        ],
      }),
    ),
    http.get(`${base}/${tenantId}/v2.0/.well-known/openid-configuration`, () =>
      HttpResponse.json(metadata),
    ),
    http.post(`${base}/${tenantId}/oauth2/v2.0/token`, async ({ request }) => {
      const form = new URLSearchParams(await request.text());
      options.onScope?.(form.get('scope'));
      if (
        form.get('client_id') !== options.clientId ||
        form.get('client_secret') !== options.clientSecret
      ) {
        return HttpResponse.json({ error: 'invalid_client' }, { status: 401 });
      }
      return HttpResponse.json({
        token_type: 'Bearer',
        expires_in: 3599,
        ext_expires_in: 3599,
        access_token: options.accessToken(),
      });
    }),
  ];
}

/** The GCE/GKE metadata server's token for the instance's service account. */
export function gceMetadataToken(host: string, accessToken: () => string) {
  return http.get(
    `http://${host}/computeMetadata/v1/instance/service-accounts/default/token`,
    ({ request }) =>
      request.headers.get('metadata-flavor') === 'Google'
        ? HttpResponse.json(
            {
              access_token: accessToken(),
              expires_in: 3600,
              token_type: 'Bearer',
            },
            { headers: { 'Metadata-Flavor': 'Google' } },
          )
        : new HttpResponse(null, { status: 403 }),
  );
}
