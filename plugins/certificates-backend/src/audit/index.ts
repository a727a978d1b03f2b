export type {
  AuditEntry,
  AuditListFilter,
  AuditListResult,
  AuditLog,
} from './AuditLog';
export { DatabaseAuditLog } from './DatabaseAuditLog';
export { AUDITOR_EVENTS, reportToAuditor } from './auditorEvents';
export type { AuditorAction } from './auditorEvents';
