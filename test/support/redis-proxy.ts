import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy in front of a real Redis that a test can make go away: `stall()` keeps every
 * connection open but forwards nothing (what a SIGSTOPped or wedged server looks like from the
 * client), `resume()` forwards what was held; `kill()` drops every connection and stops listening
 * (a crashed server: refused), `restart()` listens again on the same port.
 */
export class RedisProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private stalled = false;
  private readonly held: Array<() => void> = [];
  private port = 0;

  private constructor(
    private readonly upstreamHost: string,
    private readonly upstreamPort: number,
  ) {}

  /** A proxy for `redisUrl`, listening on a free port. */
  static async start(redisUrl: string): Promise<RedisProxy> {
    const u = new URL(redisUrl);
    const p = new RedisProxy(u.hostname, Number(u.port || 6379));
    await p.restart();
    return p;
  }

  /** The proxy's URL (what the app under test is given). */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Listens (again, on the same port after a kill). */
  async restart(): Promise<void> {
    this.stalled = false;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Connections stay open, nothing is forwarded either way until resume(). */
  stall(): void {
    this.stalled = true;
  }

  /** Forwards again, the held bytes first. */
  resume(): void {
    this.stalled = false;
    for (const f of this.held.splice(0)) f();
  }

  /** Drops every connection and stops listening: connecting is refused until restart(). */
  async kill(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.held.length = 0;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  async close(): Promise<void> {
    await this.kill();
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.upstreamPort, this.upstreamHost);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    const forward = (from: Socket, to: Socket) =>
      from.on('data', (chunk) => {
        if (this.stalled) this.held.push(() => to.write(chunk));
        else to.write(chunk);
      });
    forward(client, upstream);
    forward(upstream, client);
  }
}
