import { z } from 'zod';
import type { CertificatePolicy, PolicySelector } from '../policyTypes';
import type { DeliveryKind, KeyAlgorithmChoice } from '../requestTypes';

/*
 * The shape of `certificates.policies[]`, checked when the backend starts.
 * Objects are strict: a misspelt key (say `maxValidityDay`) would otherwise
 * be ignored and the policy would quietly allow more than it was meant to.
 */

const KEY_ALGORITHM_CHOICES = [
  'ECDSA-P256',
  'ECDSA-P384',
  'RSA-2048',
  'RSA-3072',
  'RSA-4096',
] as const satisfies readonly KeyAlgorithmChoice[];

const DELIVERY_KINDS = [
  'csr',
  'secret',
  'cert-manager',
] as const satisfies readonly DeliveryKind[];

const SAN_TYPES = ['dns', 'ip', 'uri', 'email'] as const;

const names = z.array(z.string().min(1));
const days = z.number().positive();
const deliveries = z.array(z.enum(DELIVERY_KINDS));

/** `certificates.policies[].selector`. */
export const policySelectorSchema = z.strictObject({
  kind: names.optional(),
  type: names.optional(),
  owner: names.optional(),
  system: names.optional(),
  namespace: names.optional(),
});

/** One entry of `certificates.policies`. */
export const certificatePolicySchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  selector: policySelectorSchema.optional(),
  // Absent means no DNS name is allowed, as it always did.
  allowedDnsNames: z.array(z.string().min(1)).default([]),
  allowWildcards: z.boolean().optional(),
  allowedSanTypes: z.array(z.enum(SAN_TYPES)).optional(),
  keyAlgorithms: z.array(z.enum(KEY_ALGORITHM_CHOICES)).optional(),
  maxValidityDays: days.optional(),
  allowedIssuers: names.optional(),
  deliveries: deliveries.optional(),
  allowedClusters: names.optional(),
  allowedNamespaces: names.optional(),
  autoApprove: z
    .union([
      z.boolean(),
      z.strictObject({
        maxValidityDays: days.optional(),
        issuers: names.optional(),
        deliveries: deliveries.optional(),
      }),
    ])
    .optional(),
  approvals: z
    .strictObject({
      required: z.number().int().min(1).optional(),
      approvers: names.optional(),
    })
    .optional(),
  caIssuers: names.optional(),
  automation: z
    .strictObject({
      allowedServices: names,
      autoApprove: z.boolean().optional(),
    })
    .optional(),
});

/** `certificates.policies`: names are unique, as every verdict names its policy. */
export const certificatePoliciesSchema = z
  .array(certificatePolicySchema)
  .superRefine((policies, ctx) => {
    const seen = new Set<string>();
    policies.forEach((policy, i) => {
      if (seen.has(policy.name)) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'name'],
          message: `Duplicate policy name '${policy.name}'`,
        });
      }
      seen.add(policy.name);
    });
  });

/** A policy as written in config (before defaults). */
export type CertificatePolicyInput = z.input<typeof certificatePolicySchema>;

// The documented interfaces and the schema must describe the same thing:
// these fail to compile when one changes without the other.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const policyMatches: Same<
  z.output<typeof certificatePolicySchema>,
  CertificatePolicy
> = true;
const selectorMatches: Same<
  z.output<typeof policySelectorSchema>,
  PolicySelector
> = true;
void policyMatches;
void selectorMatches;
