import { createServer, type Server, type Socket } from 'node:net';
import { DomainError } from '../common/errors';
import { connect, type SshSession } from './connect';
import type { SshProfileRecord } from './profiles';
import type { SshDeps } from './session';

// Local ends of SSH tunnels (docs/ssh.md, "Serving a trained model back"): a listener on
// 127.0.0.1 and a free port whose every connection is forwarded (ssh2 `forwardOut`) to a
// port on the server's own 127.0.0.1. The listener lives as long as the process and keeps
// its port, so a client built on it stays valid; the SSH connection behind it is opened by
// the first connection and closed after a minute without any, and reopened when needed.
// Neither keeps the process alive (a CLI command ends when its work does).

const IDLE_MS = 60_000;

export interface TunnelTarget {
  profile: SshProfileRecord;
  /** The port on the server's 127.0.0.1. */
  remotePort: number;
}

class Tunnel {
  private session: Promise<SshSession> | null = null;
  private open = 0;
  readonly sockets = new Set<Socket>();
  private idle: NodeJS.Timeout | null = null;

  constructor(
    readonly server: Server,
    private readonly deps: SshDeps,
    private readonly target: TunnelTarget,
  ) {
    server.on('connection', (socket) => void this.forward(socket));
  }

  /** Connects (or reuses the connection), so a refused host key or login is reported as itself, not as a dropped HTTP connection. */
  async ready(): Promise<void> {
    await this.ssh();
  }

  private ssh(): Promise<SshSession> {
    if (!this.session) {
      const opening = connect(this.target.profile, { secrets: this.deps.secrets, env: this.deps.env });
      this.session = opening;
      opening.then(
        (s) => {
          // The connection must not hold the process open; the listener decides when it is needed.
          (s.client as unknown as { _sock?: Socket })._sock?.unref?.();
          const forget = () => {
            if (this.session === opening) this.session = null;
          };
          s.client.on('close', forget);
          s.client.on('error', forget);
        },
        () => {
          if (this.session === opening) this.session = null;
        },
      );
    }
    return this.session;
  }

  private async forward(socket: Socket): Promise<void> {
    this.open++;
    this.sockets.add(socket);
    if (this.idle) clearTimeout(this.idle);
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (--this.open === 0) {
        this.idle = setTimeout(() => void this.closeSsh(), IDLE_MS);
        this.idle.unref();
      }
    });
    socket.on('error', () => socket.destroy());
    try {
      const session = await this.ssh();
      session.client.forwardOut('127.0.0.1', socket.remotePort ?? 0, '127.0.0.1', this.target.remotePort, (error, stream) => {
        if (error || socket.destroyed) {
          socket.destroy();
          return stream?.close();
        }
        socket.pipe(stream).pipe(socket);
        stream.on('error', () => socket.destroy());
        stream.on('close', () => socket.destroy());
        socket.on('close', () => stream.close());
      });
    } catch {
      // The HTTP client sees its connection close: the LLM layer reports it as a failed connection.
      socket.destroy();
    }
  }

  async closeSsh(): Promise<void> {
    const pending = this.session;
    this.session = null;
    if (pending) (await pending.catch(() => null))?.close();
  }
}

/** Tunnels of this process, one per (connection, remote port). */
export class TunnelManager {
  private readonly tunnels = new Map<string, Promise<Tunnel>>();

  constructor(private readonly deps: SshDeps) {}

  /** Opens (or reuses) the local end of the tunnel; answers its origin, e.g. http://127.0.0.1:41234. */
  async origin(target: TunnelTarget): Promise<string> {
    const key = `${target.profile.id}:${target.remotePort}`;
    let tunnel = this.tunnels.get(key);
    if (!tunnel) {
      tunnel = listen().then((server) => new Tunnel(server, this.deps, target));
      this.tunnels.set(key, tunnel);
      tunnel.catch(() => this.tunnels.delete(key));
    }
    const open = await tunnel;
    await open.ready();
    return `http://127.0.0.1:${(open.server.address() as { port: number }).port}`;
  }

  /** Closes a tunnel (its model is no longer served); later calls open a new one. */
  async close(target: Pick<TunnelTarget, 'remotePort'> & { profileId: number }): Promise<void> {
    const key = `${target.profileId}:${target.remotePort}`;
    const tunnel = this.tunnels.get(key);
    this.tunnels.delete(key);
    if (tunnel) await shut(await tunnel.catch(() => null));
  }

  async closeAll(): Promise<void> {
    const all = [...this.tunnels.values()];
    this.tunnels.clear();
    await Promise.all(all.map(async (t) => shut(await t.catch(() => null))));
  }
}

async function shut(tunnel: Tunnel | null): Promise<void> {
  if (!tunnel) return;
  for (const socket of tunnel.sockets) socket.destroy();
  await tunnel.closeSsh();
  await new Promise<void>((resolve) => tunnel.server.close(() => resolve()));
}

function listen(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (error) => reject(new DomainError('unavailable', `Could not open the local end of an SSH tunnel: ${error.message}.`)));
    // Loopback only: the served model must not be reachable from the network through us.
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      server.unref();
      resolve(server);
    });
  });
}
