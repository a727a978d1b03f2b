import http from 'node:http';
import https from 'node:https';

/**
 * A plain GET with a timeout, for the reachability check and the CA
 * certificate URL. Deliberately without retries: acme-client retries a refused
 * connection for over a minute, which hides an outage behind a long wait.
 */
export function getText(
  url: string,
  options: { agent?: https.Agent; timeoutMs: number },
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const parsed = new URL(url);
    const client = parsed.protocol === 'http:' ? http : https;
    const req = client.get(
      parsed,
      { agent: parsed.protocol === 'https:' ? options.agent : undefined },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', c => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(options.timeoutMs, () => {
      req.destroy(new Error(`no answer within ${options.timeoutMs} ms`));
    });
    req.on('error', reject);
  });
}
