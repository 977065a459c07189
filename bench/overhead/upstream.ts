/**
 * The light upstream: a bare node:http server that answers every request at once with the iSales
 * success envelope, as `PUT /rest/isales/v1/openapi/campaigns/{vdnId}/{id}/pause` answers on success.
 * It reads and discards the body, checks nothing (no signature, no path) and keeps connections alive.
 * Started by the benchmark as its own process (fork with an IPC channel): it sends `{ port }` once it
 * listens on a free loopback port.
 */
import { createServer } from 'node:http';
import { ISALES_SUCCESS_CODE } from '@app/providers/isales';

const BODY = JSON.stringify({
  resultCode: ISALES_SUCCESS_CODE,
  resultDesc: 'success',
  returnCode: ISALES_SUCCESS_CODE,
});
const HEADERS = {
  'content-type': 'application/json;charset=UTF-8',
  'content-length': Buffer.byteLength(BODY),
};

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, HEADERS);
    res.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('disconnect', () => process.exit(0));
