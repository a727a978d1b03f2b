import {
  AuditorService,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import { AuditAction } from '@kubecerts/backstage-plugin-certificates-common';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';

/** What the platform's auditor hears about: every audited state change, and reads of the trail. */
export type AuditorAction = AuditAction | 'request-rejected' | 'audit-read';

/**
 * One auditor event per action, named and graded here only. Decisions,
 * revocation and changes to the root of trust are `high` (they grant or
 * withdraw trust); requests and renewals `medium` (writes); reading the
 * trail `low`.
 */
export const AUDITOR_EVENTS: Record<
  AuditorAction,
  { eventId: string; severityLevel: AuditorServiceEventSeverityLevel }
> = {
  created: { eventId: 'request-created', severityLevel: 'medium' },
  'request-rejected': { eventId: 'request-rejected', severityLevel: 'medium' },
  cancelled: { eventId: 'request-cancelled', severityLevel: 'medium' },
  approved: { eventId: 'request-approved', severityLevel: 'high' },
  denied: { eventId: 'request-denied', severityLevel: 'high' },
  issuing: { eventId: 'request-issuing', severityLevel: 'medium' },
  issued: { eventId: 'request-issued', severityLevel: 'medium' },
  failed: { eventId: 'request-failed', severityLevel: 'medium' },
  renewed: { eventId: 'certificate-renewed', severityLevel: 'medium' },
  revoked: { eventId: 'certificate-revoked', severityLevel: 'high' },
  'in-cluster-approved': {
    eventId: 'in-cluster-request-approved',
    severityLevel: 'high',
  },
  'in-cluster-denied': {
    eventId: 'in-cluster-request-denied',
    severityLevel: 'high',
  },
  'trust-change-requested': {
    eventId: 'trust-change-requested',
    severityLevel: 'high',
  },
  'trust-change-approved': {
    eventId: 'trust-change-approved',
    severityLevel: 'high',
  },
  'trust-change-denied': {
    eventId: 'trust-change-denied',
    severityLevel: 'high',
  },
  'trust-change-applied': {
    eventId: 'trust-change-applied',
    severityLevel: 'high',
  },
  'audit-read': { eventId: 'audit-read', severityLevel: 'low' },
};

/**
 * Reports one finished action to the auditor: a success, or a failure with
 * its reason. The caller's HTTP request, where there is one, lets the
 * auditor name the actor and where they came from.
 */
export async function reportToAuditor(
  auditor: AuditorService | undefined,
  action: AuditorAction,
  options: {
    request?: Request<any, any, any, any, any>;
    meta?: JsonObject;
    failure?: Error;
  } = {},
): Promise<void> {
  if (!auditor) return;
  const event = await auditor.createEvent({
    ...AUDITOR_EVENTS[action],
    request: options.request,
    meta: options.meta,
  });
  if (options.failure) {
    await event.fail({ error: options.failure });
  } else {
    await event.success();
  }
}
