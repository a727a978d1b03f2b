import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  describeExpiryStep,
  ExpiryStep,
  expirySeverity,
  expiryStep,
  normalizeExpiryThresholds,
} from '@kubecerts/backstage-plugin-certificates-common';
import { Knex } from 'knex';
import {
  DueCertificate,
  ExpiryNoticeKey,
  ExpiryNotifierStore,
  noticeKey,
} from './ExpiryNotifierStore';
import { NotificationLinks } from './links';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Consecutive failed sends after which a run gives up (the service is down). */
const MAX_CONSECUTIVE_FAILURES = 3;

/** The topic of every expiry notice, so users can mute them in their settings. */
export const EXPIRY_NOTIFICATION_TOPIC = 'certificate-expiry';

export interface ExpiryNotifierRun {
  sent: number;
  failed: number;
}

class StopRun extends Error {}

/**
 * Tells the owners of live certificates that their certificate is about to
 * expire (or has expired): once per certificate, leaf and threshold, at the
 * most urgent threshold reached. Unowned certificates are left to the rogue
 * list. Without the notifications plugin it does nothing.
 */
export class ExpiryNotifier {
  static create(options: {
    knex: Knex;
    notifications?: NotificationService;
    logger: LoggerService;
    /** Default [30, 14, 7, 1]. */
    thresholdsDays?: number[];
    now?: () => Date;
    pageSize?: number;
    /** Default: links relative to the app. */
    links?: NotificationLinks;
  }): ExpiryNotifier {
    return new ExpiryNotifier({
      store: ExpiryNotifierStore.create({ knex: options.knex }),
      notifications: options.notifications,
      logger: options.logger,
      thresholdsDays: normalizeExpiryThresholds(options.thresholdsDays),
      now: options.now ?? (() => new Date()),
      pageSize: options.pageSize,
      links: options.links ?? NotificationLinks.create(),
    });
  }

  private constructor(
    private readonly o: {
      store: ExpiryNotifierStore;
      notifications?: NotificationService;
      logger: LoggerService;
      thresholdsDays: number[];
      now: () => Date;
      pageSize?: number;
      links: NotificationLinks;
    },
  ) {}

  /**
   * Notifies every certificate due now. A certificate is looked at from the
   * largest threshold before its expiry until as long after it (an expired
   * certificate is notified once, unless it expired before that window).
   */
  async run(): Promise<ExpiryNotifierRun> {
    const { store, notifications, thresholdsDays, logger } = this.o;
    const result: ExpiryNotifierRun = { sent: 0, failed: 0 };
    if (!notifications || thresholdsDays.length === 0) return result;
    const now = this.o.now();
    const windowMs = thresholdsDays[0] * DAY_MS;
    const at = now.toISOString();
    // A notice matters while its certificate is in the window; past twice the
    // window (and a day) its certificate cannot be due with that leaf again.
    await store.prune(
      new Date(now.getTime() - 2 * windowMs - DAY_MS).toISOString(),
    );

    let consecutiveFailures = 0;
    let lastError: unknown;
    try {
      await store.forEachDue(
        {
          from: new Date(now.getTime() - windowMs).toISOString(),
          to: new Date(now.getTime() + windowMs).toISOString(),
          pageSize: this.o.pageSize,
        },
        async page => {
          const due = page.flatMap(certificate => {
            const step = expiryStep(certificate.notAfter, now, thresholdsDays);
            return step
              ? [{ certificate, step, key: keyOf(certificate, step) }]
              : [];
          });
          const sent = await store.sent(due.map(d => d.key));
          for (const { certificate, step, key } of due) {
            if (sent.has(noticeKey(key))) continue;
            if (!(await store.claim(key, at))) continue;
            try {
              await notifications.send({
                recipients: {
                  type: 'entity',
                  entityRef: recipients(certificate),
                },
                payload: payload(certificate, step, this.o.links),
              });
              result.sent += 1;
              consecutiveFailures = 0;
            } catch (error) {
              // Give the claim back so that a later run sends it.
              await store.release(key);
              result.failed += 1;
              lastError = error;
              consecutiveFailures += 1;
              if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES)
                throw new StopRun();
            }
          }
        },
      );
    } catch (error) {
      if (!(error instanceof StopRun)) throw error;
    }
    if (result.failed > 0) {
      logger.warn(
        `Could not send ${result.failed} certificate expiry notification(s), will retry: ${lastError}`,
      );
    }
    if (result.sent > 0) {
      logger.info(`Sent ${result.sent} certificate expiry notification(s)`);
    }
    return result;
  }
}

function keyOf(certificate: DueCertificate, step: ExpiryStep): ExpiryNoticeKey {
  return {
    certificateId: certificate.id,
    fingerprintSha256: certificate.fingerprintSha256,
    thresholdDays: step.thresholdDays,
  };
}

/** The entity (the notifications backend resolves its owners) and the owner group. */
function recipients(certificate: DueCertificate): string[] {
  return [certificate.entityRef, certificate.ownerRef].filter(
    (r, i, all): r is string => !!r && all.indexOf(r) === i,
  );
}

function payload(
  certificate: DueCertificate,
  step: ExpiryStep,
  links: NotificationLinks,
) {
  const name =
    certificate.commonName ?? certificate.dnsNames[0] ?? certificate.secretName;
  const inCluster = (certificate.location ?? 'cluster') === 'cluster';
  // A certificate the portal issued to a CSR is in no Secret: its holder
  // installs the renewal wherever it put the first one.
  const location = inCluster
    ? `${certificate.cluster}/${certificate.namespace}/${certificate.secretName}`
    : `${certificate.location} ${certificate.secretName}`;
  const install = inCluster
    ? `make sure the Secret ${location} holds the new certificate.`
    : `install the new certificate where this one is used.`;
  const when = formatDate(certificate.notAfter);
  const description = step.expired
    ? `Expired on ${when}; clients now reject it. Renew it and ${install}`
    : `Valid until ${when} (${remaining(
        step.remainingMs,
      )} left). Renew it before then ` +
      `(from the Certificates tab, or through its issuer, e.g. cert-manager) and ${install}`;
  return {
    title: `Certificate ${describeExpiryStep(step)}: ${name} (${location})`,
    description,
    link: links.certificate(certificate),
    severity: expirySeverity(step),
    topic: EXPIRY_NOTIFICATION_TOPIC,
    // One notification per leaf, updated (and marked unread) at each step.
    scope: `certificates:expiry:${certificate.id}:${certificate.fingerprintSha256}`,
  };
}

function formatDate(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function remaining(ms: number): string {
  const hours = Math.floor(ms / (60 * 60 * 1000));
  if (hours < 1) return 'less than an hour';
  if (hours < 48) return hours === 1 ? '1 hour' : `${hours} hours`;
  return `${Math.floor(hours / 24)} days`;
}
