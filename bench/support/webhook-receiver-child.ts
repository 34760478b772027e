/**
 * The bench's tenant webhook receiver, run as a child process (fork) so that its CPU is its own:
 * answers every POST with 200 over keep-alive and counts the `partnerpay-event-id`s it saw
 * (distinct and in all). The parent asks `count` over IPC.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const seen = new Set<string>();
let posts = 0;

const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
  const id = req.headers['partnerpay-event-id'];
  req.resume();
  req.on('end', () => {
    posts++;
    if (typeof id === 'string') seen.add(id);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '2' }).end('{}');
  });
});

server.listen(0, '127.0.0.1', () => {
  process.send!({ type: 'ready', port: (server.address() as AddressInfo).port });
});

process.on('message', (m: { type: string }) => {
  if (m.type === 'count') process.send!({ type: 'count', distinct: seen.size, posts });
  else if (m.type === 'exit') process.exit(0);
});
