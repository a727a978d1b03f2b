import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { CertificatesClient } from './certificatesClient';
import { examples } from './requestCertificate.examples';

const KEY_ALGORITHMS = [
  'ECDSA-P256',
  'ECDSA-P384',
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
] as const;

/**
 * `certificates:request`: submits a certificate request for an entity as the
 * user who runs the template. The certificates backend applies its policy
 * and ownership rules to that user; this action decides nothing itself.
 */
export function createRequestCertificateAction(options: {
  discovery: DiscoveryService;
  auth: AuthService;
}) {
  const client = CertificatesClient.create(options);
  return createTemplateAction({
    id: 'certificates:request',
    description:
      'Requests a TLS certificate for a catalog entity from the certificates portal, as the user running the template. ' +
      'In a dry run, reports the policy verdict and creates nothing.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z =>
          z
            .string()
            .min(1)
            .describe(
              'The entity the certificate is for, e.g. component:default/payments-api',
            ),
        dnsNames: z =>
          z
            .array(z.string().min(1))
            .min(1)
            .describe('DNS names (subject alternative names)'),
        commonName: z =>
          z.string().optional().describe('Subject common name; default none'),
        keyAlgorithm: z =>
          z
            .enum(KEY_ALGORITHMS)
            .default('ECDSA-P256')
            .describe('Key algorithm'),
        validityDays: z =>
          z
            .number()
            .int()
            .positive()
            .default(30)
            .describe('Validity in days; the policy caps it'),
        issuer: z =>
          z
            .string()
            .min(1)
            .default('builtin')
            .describe('Issuer id, e.g. builtin'),
        delivery: z =>
          z
            .object({
              kind: z.enum(['csr', 'secret', 'cert-manager']),
              csr: z
                .string()
                .optional()
                .describe('PEM PKCS#10 request (csr delivery)'),
              cluster: z.string().optional(),
              namespace: z.string().optional(),
              secretName: z.string().optional(),
            })
            .describe(
              'csr: you keep the key; secret / cert-manager: the certificate lands in the cluster',
            ),
        justification: z =>
          z.string().optional().describe('Shown to approvers'),
      },
      output: {
        requestId: z =>
          z.string().optional().describe('The request id (not in a dry run)'),
        state: z =>
          z
            .string()
            .optional()
            .describe('pending, issuing, issued, ... (not in a dry run)'),
        pendingReason: z =>
          z.string().optional().describe('Why the request waits for approvers'),
        chainPem: z =>
          z
            .string()
            .optional()
            .describe(
              'The issued chain, when a csr request was issued at once',
            ),
        verdict: z =>
          z
            .object({
              ok: z.boolean(),
              autoApprove: z.boolean().optional(),
              pendingReason: z.string().optional(),
              policyName: z.string().optional(),
              violations: z.array(
                z.object({ field: z.string(), reason: z.string() }),
              ),
            })
            .optional()
            .describe('Dry run only: what the policy says of this request'),
      },
    },
    async handler(ctx) {
      const { input } = ctx;
      const body = {
        entityRef: input.entityRef,
        commonName: input.commonName,
        dnsNames: input.dnsNames,
        keyAlgorithm: input.keyAlgorithm,
        validityDays: input.validityDays,
        issuer: input.issuer,
        delivery: input.delivery,
        justification: input.justification,
      };
      const credentials = await ctx.getInitiatorCredentials();

      if (ctx.isDryRun) {
        const verdict = await client.validate(body, credentials);
        for (const v of verdict.violations) {
          ctx.logger.warn(`${v.field}: ${v.reason}`);
        }
        ctx.output('verdict', {
          ok: verdict.ok,
          autoApprove: verdict.autoApprove,
          pendingReason: verdict.pendingReason,
          policyName: verdict.policyName,
          violations: verdict.violations,
        });
        return;
      }

      // A retried task must not submit a second request.
      const created = await ctx.checkpoint({
        key: `certificates-request-${ctx.step?.id ?? 'step'}`,
        fn: async () => {
          const request = await client.create(body, credentials);
          return {
            id: request.id,
            state: request.state,
            pendingReason: request.pendingReason ?? null,
          };
        },
      });
      ctx.logger.info(`Certificate request ${created.id} is ${created.state}`);
      ctx.output('requestId', created.id);
      ctx.output('state', created.state);
      if (created.pendingReason)
        ctx.output('pendingReason', created.pendingReason);
      if (created.state === 'issued' && input.delivery.kind === 'csr') {
        ctx.output('chainPem', await client.chainPem(created.id, credentials));
      }
    },
  });
}
