import useAsync from 'react-use/esm/useAsync';
import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import {
  CertificateStatus,
  CertificateSummary,
  FindingKind,
} from '@kubecerts/backstage-plugin-certificates-common';
import { certificatesApiRef } from '../../api';

/** Statuses an owner has to act on soon. */
export const ATTENTION_STATUSES: CertificateStatus[] = [
  'expired',
  'critical',
  'expiring',
];

/** Findings that make a certificate unfit whatever its expiry. */
export const ATTENTION_FINDINGS: FindingKind[] = [
  'weak-key',
  'weak-signature',
  'untrusted-chain',
];

export interface AttentionList {
  ownerRefs: string[];
  items: CertificateSummary[];
  /** More matched than the card shows. */
  more: boolean;
}

/**
 * Certificates owned by the signed-in user or their teams that are expiring,
 * expired, weak or untrusted, soonest expiry first. The backend applies the
 * read permission as for any list.
 */
export function useMyCertificatesNeedingAttention(limit: number) {
  const api = useApi(certificatesApiRef);
  const identityApi = useApi(identityApiRef);
  return useAsync(async (): Promise<AttentionList> => {
    const { ownershipEntityRefs: ownerRefs } =
      await identityApi.getBackstageIdentity();
    if (ownerRefs.length === 0) return { ownerRefs, items: [], more: false };
    const query = { owner: ownerRefs, limit, sort: 'notAfter' as const };
    const [byStatus, byFinding] = await Promise.all([
      api.listCertificates({ ...query, status: ATTENTION_STATUSES }),
      api.listCertificates({ ...query, finding: ATTENTION_FINDINGS }),
    ]);
    const unique = new Map<string, CertificateSummary>();
    for (const c of [...byStatus.items, ...byFinding.items])
      unique.set(c.id, c);
    const all = [...unique.values()].sort((a, b) =>
      (a.notAfter ?? '\uffff').localeCompare(b.notAfter ?? '\uffff'),
    );
    return {
      ownerRefs,
      items: all.slice(0, limit),
      more:
        all.length > limit ||
        Boolean(byStatus.nextCursor || byFinding.nextCursor),
    };
  }, [api, identityApi, limit]);
}
