export type { AuditEntry, AuditListFilter, AuditListResult, AuditLog } from './AuditLog';
export { DatabaseAuditLog } from './DatabaseAuditLog';
