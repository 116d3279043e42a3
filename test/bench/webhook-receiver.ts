/**
 * A webhook receiver for the dispatch benchmark, in a process of its own: answers 204 to every
 * POST once the body is read, and prints its URL on the first line.
 */
import { createServer } from 'node:http';

const server = createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.statusCode = 204;
    response.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`http://127.0.0.1:${address.port}/hook\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
