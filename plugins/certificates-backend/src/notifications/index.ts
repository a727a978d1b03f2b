export { RequestNotifier } from './RequestNotifier';
export type { RequestEvent } from './RequestNotifier';
export { ExpiryNotifier, EXPIRY_NOTIFICATION_TOPIC } from './ExpiryNotifier';
export type { ExpiryNotifierRun } from './ExpiryNotifier';
export { NotificationLinks } from './links';
