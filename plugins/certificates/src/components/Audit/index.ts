export { AuditView } from './AuditView';
export type { AuditViewProps } from './AuditView';
