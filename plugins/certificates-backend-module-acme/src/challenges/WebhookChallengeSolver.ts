import { AcmeChallenge, AcmeChallengeType, ChallengeSolver } from './types';

/** Body POSTed to the webhook, once with `present` and once with `cleanup`. */
export interface ChallengeWebhookPayload extends AcmeChallenge {
  action: 'present' | 'cleanup';
  /** The issuer id from config, so one hook can serve several issuers. */
  issuerId: string;
}

export interface WebhookChallengeSolverOptions {
  issuerId: string;
  type: AcmeChallengeType;
  url: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string;
  timeoutMs?: number;
}

/**
 * Hands challenges to an external service over HTTP: a DNS updater for
 * dns-01, or a proxy that serves http-01 tokens. The hook must answer 2xx only
 * once the record / file is visible to the CA.
 */
export class WebhookChallengeSolver implements ChallengeSolver {
  readonly type: AcmeChallengeType;
  readonly #options: WebhookChallengeSolverOptions;

  static create(options: WebhookChallengeSolverOptions): WebhookChallengeSolver {
    return new WebhookChallengeSolver(options);
  }

  private constructor(options: WebhookChallengeSolverOptions) {
    this.type = options.type;
    this.#options = options;
  }

  present(challenge: AcmeChallenge): Promise<void> {
    return this.#send('present', challenge);
  }

  cleanup(challenge: AcmeChallenge): Promise<void> {
    return this.#send('cleanup', challenge);
  }

  async #send(action: 'present' | 'cleanup', challenge: AcmeChallenge) {
    const payload: ChallengeWebhookPayload = {
      ...challenge,
      action,
      issuerId: this.#options.issuerId,
    };
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (this.#options.token) {
      headers.Authorization = `Bearer ${this.#options.token}`;
    }
    let status: number;
    try {
      const res = await fetch(this.#options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.#options.timeoutMs ?? 120_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch (e) {
      throw new Error(
        `challenge webhook ${this.#options.url} failed on ${action}: ${(e as Error).message}`,
      );
    }
    if (status < 200 || status >= 300) {
      throw new Error(
        `challenge webhook ${this.#options.url} answered ${status} on ${action}`,
      );
    }
  }
}
