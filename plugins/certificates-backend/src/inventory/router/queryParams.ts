import { InputError } from '@backstage/errors';
import {
  CERTIFICATE_STATUSES,
  CertificateListFilter,
  CertificateStatus,
  FINDING_KINDS,
  FindingKind,
  REVOCATION_REASONS,
  SortField,
} from '@kubecerts/backstage-plugin-certificates-common';
import { z } from 'zod';
import { freeText } from '../../service/freeText';

// A list parameter given once arrives as one value: parseQuery makes it a
// list of one first (a per-field preprocess step cost each list request
// twice the allocations of the parse itself).
const many = <T extends z.ZodType>(item: T) =>
  z.array(item).max(100).optional();

const text = z.string().min(1).max(512);

const filterShape = {
  entityRef: many(text),
  owner: many(text),
  // Open: locations a later release adds are names of the same shape.
  location: many(
    z
      .string()
      .max(32)
      .regex(
        /^[a-z][a-z-]*$/,
        'must be a location name, e.g. cluster or portal',
      ),
  ),
  cluster: many(text),
  namespace: many(text),
  status: many(
    z.enum(CERTIFICATE_STATUSES as [CertificateStatus, ...CertificateStatus[]]),
  ),
  finding: many(z.enum(FINDING_KINDS as [FindingKind, ...FindingKind[]])),
  issuer: many(z.string().min(1).max(1024)),
  q: z.string().max(200).optional(),
  includeGone: z.enum(['true', 'false']).optional(),
  expiresBefore: z
    .string()
    .refine(v => !Number.isNaN(Date.parse(v)), 'must be a date (ISO 8601)')
    .optional(),
};

const SORTS: SortField[] = [
  'notAfter',
  'commonName',
  'cluster',
  'namespace',
  'status',
  'lastSeenAt',
];

export const filterQuery = z.object(filterShape).strict();

export const listQuery = z
  .object({
    ...filterShape,
    sort: z.enum(SORTS as [SortField, ...SortField[]]).optional(),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.coerce.number().int().min(1).max(500).optional(),
    cursor: z.string().max(2048).optional(),
  })
  .strict();

export const exportQuery = listQuery.omit({ limit: true, cursor: true });

export const timelineQuery = z
  .object({
    ...filterShape,
    weeks: z.coerce.number().int().min(1).max(104).optional(),
  })
  .strict();

/** The filter's list parameters (`many`). */
const LIST_PARAMS = new Set(
  Object.entries(filterShape)
    .filter(([, schema]) => schema.unwrap() instanceof z.ZodArray)
    .map(([key]) => key),
);

/** The query with each list parameter given once as a list of one. */
function withLists(query: unknown): unknown {
  if (!query || typeof query !== 'object') return query;
  let out: Record<string, unknown> | undefined;
  for (const [key, value] of Object.entries(query)) {
    if (LIST_PARAMS.has(key) && value !== undefined && !Array.isArray(value)) {
      out ??= { ...query };
      out[key] = [value];
    }
  }
  return out ?? query;
}

export function parseQuery<T>(
  schema: z.ZodType<T>,
  query: unknown,
  what: 'query' | 'body' = 'query',
): T {
  const result = schema.safeParse(what === 'query' ? withLists(query) : query);
  if (!result.success) {
    throw new InputError(
      `Invalid ${what}: ${result.error.issues
        .map(i => `${i.path.join('.') || what}: ${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}

/** Body of POST /certificates/:id/revoke. */
export const revokeBody = z
  .object({
    reason: z.enum(REVOCATION_REASONS),
    comment: freeText(500).optional(),
  })
  .strict();

/** The list filter from parsed query parameters. */
export function toFilter(
  q: z.infer<typeof filterQuery>,
): CertificateListFilter {
  return {
    entityRef: q.entityRef,
    owner: q.owner,
    location: q.location,
    cluster: q.cluster,
    namespace: q.namespace,
    status: q.status,
    finding: q.finding,
    issuer: q.issuer,
    q: q.q,
    includeGone: q.includeGone === 'true',
    expiresBefore: q.expiresBefore
      ? new Date(q.expiresBefore).toISOString()
      : undefined,
  };
}
