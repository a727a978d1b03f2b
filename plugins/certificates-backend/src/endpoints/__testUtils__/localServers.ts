/* TLS and plain TCP servers on 127.0.0.1 for tests and benchmarks. Test-only. */
import {
  AddressInfo,
  createServer as createNetServer,
  Server,
  Socket,
} from 'net';
import { createServer as createTlsServer, TlsOptions } from 'tls';

/** PEM blocks joined one per line (generated PEM may lack a final newline). */
export const joinPem = (pems: string[]) =>
  pems.map(p => `${p.trim()}\n`).join('');

export class LocalServers {
  private readonly servers: Server[] = [];
  private readonly sockets: Socket[] = [];

  private async listen(server: Server): Promise<number> {
    this.servers.push(server);
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }

  /** A TLS server serving `chain` (leaf first); returns its port. */
  tls(chain: string[], keyPem: string, extra: TlsOptions = {}) {
    return this.listen(
      createTlsServer({ key: keyPem, cert: joinPem(chain), ...extra }),
    );
  }

  /** A port nothing listens on. */
  async closedPort(): Promise<number> {
    const server = createNetServer();
    const port = await this.listen(server);
    this.servers.pop();
    await new Promise(resolve => server.close(resolve));
    return port;
  }

  /** A server that accepts connections and never says a word. */
  silent() {
    return this.listen(createNetServer(s => this.sockets.push(s)));
  }

  async close() {
    this.sockets.forEach(s => s.destroy());
    await Promise.all(
      this.servers.map(s => new Promise(resolve => s.close(resolve))),
    );
  }
}
