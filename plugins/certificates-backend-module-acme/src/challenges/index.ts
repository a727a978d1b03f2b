export * from './types';
export * from './Http01ChallengeResponder';
export * from './WebhookChallengeSolver';
