import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import sirv from 'sirv';
import { ConfigError } from '../errors.js';

/** A running docs server. */
export interface DocsServer {
  url: string;
  server: Server;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/**
 * Serves a generated site over HTTP with sirv (static files, no caching so a regenerated site shows
 * at once).
 * @param port 0 picks a free port
 * @throws ConfigError when the site has not been generated or the port is taken
 */
export async function serveSite(dir: string, port: number, host: string): Promise<DocsServer> {
  if (!existsSync(join(dir, 'index.html'))) throw new ConfigError(`No docs site in ${dir}`, { hint: 'Run dops docs generate first.' });
  const handler = sirv(dir, { dev: true, etag: true });
  const server = createServer((req, res) => handler(req, res, () => {
    res.statusCode = 404;
    res.end('Not found');
  }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'EADDRINUSE' ? new ConfigError(`Port ${port} on ${host} is already in use`, { hint: 'Pass another one with --port.' }) : error),
    );
    server.listen(port, host, resolve);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${actualPort}/`,
    server,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
