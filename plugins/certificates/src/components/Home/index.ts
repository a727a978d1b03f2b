export { MyCertificatesCard } from './MyCertificatesCard';
export type { MyCertificatesCardProps } from './MyCertificatesCard';
export {
  ATTENTION_FINDINGS,
  ATTENTION_STATUSES,
} from './useMyCertificatesNeedingAttention';
