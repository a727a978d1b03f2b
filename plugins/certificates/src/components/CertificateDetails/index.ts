export { CertificateDetailsDrawer } from './CertificateDetailsDrawer';
export { CertificateDetailsPanel } from './CertificateDetailsPanel';
export { RenewButton, renewBlocker } from './RenewButton';
export { ValidityBar, elapsedFraction } from './ValidityBar';
