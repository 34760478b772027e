import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

/** How long a client may take to send a request's headers, and the whole request (headers and body). */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
}

/** The defaults of config server.headersTimeoutMs / server.requestTimeoutMs (Node's own are 60 s and 300 s). */
export const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 };

/**
 * node:http options that stop a slow client from holding a connection: headers within
 * headersTimeoutMs, the whole request within requestTimeoutMs, checked every second (Node checks
 * every 30 s by default, which would let a slow request live up to 30 s longer than its limit).
 */
export function serverOptions(limits: ServerLimits): ServerOptions<typeof IncomingMessage, typeof ServerResponse> {
  return {
    headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
  };
}

const TIMEOUT_BODY = JSON.stringify({
  code: 'REQUEST_TIMEOUT',
  message: 'the request was not received in time (headers or body too slow); send it again in one go',
});

/**
 * Answers a request that timed out with a JSON 408 and closes the connection (Node's own answer
 * has no body); other malformed requests keep Node's 400. Nothing is answered once a response started.
 */
export function answerSlowClients(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, duplex: Duplex) => {
    const socket = duplex as Socket;
    if (socket.writable && socket.bytesWritten === 0) {
      if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT')
        socket.write(
          'HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json; charset=utf-8\r\n' +
            `Content-Length: ${Buffer.byteLength(TIMEOUT_BODY)}\r\nConnection: close\r\n\r\n${TIMEOUT_BODY}`,
        );
      // What Node answers itself without a listener.
      else if (err.code === 'HPE_HEADER_OVERFLOW')
        socket.write('HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: close\r\n\r\n');
      else if (err.code !== 'ECONNRESET') socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    }
    socket.destroy();
  });
}
