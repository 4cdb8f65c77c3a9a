// A proxy in front of s3rver that makes it fail the way S3 fails in production, for the tests of
// what the S3 client and the warehouse targets do then. Requests pass through unchanged (the
// SigV4 signature covers the Host header the client sent, which is kept), except those a fault
// names:
//
//   node s3_fault_proxy.js LOG.jsonl UPSTREAM_URL FAULT...
//
//   deny-delete            the role may not delete: DeleteObjects answers 200 with an
//                          AccessDenied <Error> per key (as S3 does) and deletes nothing; a
//                          DELETE of an object answers 403 AccessDenied
//   throttle:OPERATION:N   the first N requests of OPERATION (PutObject, UploadPart,
//                          DeleteObjects, ...) answer 503 SlowDown without reaching s3rver
//   lose-complete-reply:N  the first N CompleteMultipartUpload requests reach s3rver, which
//                          completes the upload, but the connection breaks midway through the reply
//   delete-after-lost-reply  with lose-complete-reply: the completed object is removed again
//                          before the client can look (another writer replaced it)
//   no-such-upload         a CompleteMultipartUpload for an upload s3rver no longer knows (its
//                          500) is answered as S3 does: 404 NoSuchUpload
//
// Appends {"operation","key","fault"} per request to LOG, prints its port (127.0.0.1) as its
// first line and exits when its standard input closes (tests/node_standin_server.h).
'use strict';
const http = require('http');
const fs = require('fs');

const [logPath, upstreamUrl, ...faultArgs] = process.argv.slice(2);
const upstream = new URL(upstreamUrl);
const faults = {throttle: {}, loseCompleteReply: 0};
for (const fault of faultArgs) {
  const [name, a, b] = fault.split(':');
  if (name === 'deny-delete') faults.denyDelete = true;
  else if (name === 'throttle') faults.throttle[a] = Number(b);
  else if (name === 'lose-complete-reply') faults.loseCompleteReply = Number(a);
  else if (name === 'delete-after-lost-reply') faults.deleteAfterLostReply = true;
  else if (name === 'no-such-upload') faults.noSuchUpload = true;
  else throw new Error('unknown fault ' + fault);
}

function operationOf(req, url) {
  const key = url.pathname.split('/').slice(2).join('/');
  const q = url.searchParams;
  if (req.method === 'POST' && q.has('delete')) return 'DeleteObjects';
  if (req.method === 'POST' && q.has('uploads')) return 'CreateMultipartUpload';
  if (req.method === 'POST' && q.has('uploadId')) return 'CompleteMultipartUpload';
  if (req.method === 'PUT' && q.has('uploadId')) return 'UploadPart';
  if (req.method === 'DELETE' && q.has('uploadId')) return 'AbortMultipartUpload';
  if (req.method === 'GET' && q.has('uploads')) return 'ListMultipartUploads';
  if (req.method === 'GET' && !key) return 'ListObjectsV2';
  return {GET: 'GetObject', HEAD: 'HeadObject', PUT: 'PutObject', DELETE: 'DeleteObject'}[
      req.method] || req.method;
}

function log(entry) { fs.appendFileSync(logPath, JSON.stringify(entry) + '\n'); }

function errorReply(res, status, code, message) {
  res.writeHead(status, {'Content-Type': 'application/xml'});
  res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code>` +
          `<Message>${message}</Message></Error>`);
}

// Sends the request on to s3rver; calls back with its status, headers and body.
function forward(req, body, done) {
  const headers = {...req.headers};
  const out = http.request({host: upstream.hostname, port: upstream.port, method: req.method,
                            path: req.url, headers}, (reply) => {
    const chunks = [];
    reply.on('data', (chunk) => chunks.push(chunk));
    reply.on('end', () => done(reply.statusCode, reply.headers, Buffer.concat(chunks)));
  });
  out.on('error', (error) => done(502, {}, Buffer.from(String(error))));
  out.end(body);
}

function removeObject(bucketAndKey, done) {
  // s3rver accepts an unsigned request when no Authorization header is sent.
  const out = http.request({host: upstream.hostname, port: upstream.port, method: 'DELETE',
                            path: bucketAndKey}, (reply) => { reply.resume(); reply.on('end', done); });
  out.on('error', done);
  out.end();
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    const url = new URL(req.url, 'http://proxy');
    const operation = operationOf(req, url);
    const key = decodeURIComponent(url.pathname.split('/').slice(2).join('/'));
    const entry = {operation, key, fault: null};

    if (faults.throttle[operation] > 0) {
      faults.throttle[operation] -= 1;
      entry.fault = 'SlowDown';
      log(entry);
      return errorReply(res, 503, 'SlowDown', 'Please reduce your request rate.');
    }
    if (faults.denyDelete && operation === 'DeleteObject') {
      entry.fault = 'AccessDenied';
      log(entry);
      return errorReply(res, 403, 'AccessDenied', 'Access Denied');
    }
    if (faults.denyDelete && operation === 'DeleteObjects') {
      const keys = [...body.toString().matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]);
      entry.fault = 'AccessDenied';
      entry.keys = keys;
      log(entry);
      res.writeHead(200, {'Content-Type': 'application/xml'});
      return res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult>' +
                     keys.map((k) => `<Error><Key>${k}</Key><Code>AccessDenied</Code>` +
                                     '<Message>Access Denied</Message></Error>').join('') +
                     '</DeleteResult>');
    }
    forward(req, body, (status, headers, replyBody) => {
      if (operation === 'CompleteMultipartUpload' && faults.loseCompleteReply > 0 &&
          status === 200) {
        faults.loseCompleteReply -= 1;
        entry.fault = 'lost reply';
        log(entry);
        // The head of the reply arrives, then the connection breaks before its body: a reply
        // lost midway (a connection closed before any byte is resent by libcurl on its own).
        const lose = () => {
          res.socket.write('HTTP/1.1 200 OK\r\nContent-Length: 400\r\n\r\n<?xml');
          res.socket.destroy();
        };
        return faults.deleteAfterLostReply ? removeObject(url.pathname, lose) : lose();
      }
      if (operation === 'CompleteMultipartUpload' && faults.noSuchUpload && status >= 500) {
        entry.fault = 'NoSuchUpload';
        log(entry);
        return errorReply(res, 404, 'NoSuchUpload', 'The specified upload does not exist.');
      }
      log(entry);
      delete headers['transfer-encoding'];
      // A HEAD reply keeps s3rver's Content-Length: the object's size.
      if (req.method !== 'HEAD') headers['content-length'] = String(replyBody.length);
      res.writeHead(status, headers);
      res.end(req.method === 'HEAD' ? undefined : replyBody);
    });
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
