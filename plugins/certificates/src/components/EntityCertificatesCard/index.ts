export {
  EntityCertificatesCard,
  summarizeCounts,
} from './EntityCertificatesCard';
