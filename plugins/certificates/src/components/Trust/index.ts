export { TrustView } from './TrustView';
export { TrustPage } from './TrustPage';
