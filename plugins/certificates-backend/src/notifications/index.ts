export { RequestNotifier } from './RequestNotifier';
export type { RequestEvent } from './RequestNotifier';
