export { CertificateDetailsDrawer } from './CertificateDetailsDrawer';
export { CertificateDetailsPanel } from './CertificateDetailsPanel';
export { ValidityBar, elapsedFraction } from './ValidityBar';
