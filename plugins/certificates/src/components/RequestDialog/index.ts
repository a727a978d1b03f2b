export { RequestCertificateButton } from './RequestCertificateButton';
export type { RequestCertificateButtonProps } from './RequestCertificateButton';
export { RequestDialog } from './RequestDialog';
export type { RequestDialogProps } from './RequestDialog';
export { groupViolations, parseDnsNames } from './violations';
