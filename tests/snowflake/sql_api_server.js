// A stand-in for Snowflake's SQL API v2, for target-snowflake's tests. It follows the
// published request and response shapes, verifies every key-pair JWT (RS256 signature with the
// given public key, issuer fingerprint, subject, lifetime) and appends each accepted request to
// a JSON-lines log the tests read.
//
//   node sql_api_server.js LOG.jsonl PUBLIC_KEY.pem ACCOUNT.USER [--throttle-first]
//
// Prints the port it listens on (127.0.0.1) as its first line and exits when its standard input
// closes (tests/node_standin_server.h starts it that way). Behaviour:
//  - POST /api/v2/statements: 200 with an empty result set; a statement containing COPY INTO
//    answers 202 and needs two polls of GET /api/v2/statements/{handle}; a statement
//    containing "FAIL_422" answers 422 with code, sqlState and message.
//  - --throttle-first: the first request gets 429.
//  - a bad or missing token: 401.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const [logPath, publicKeyPath, subject] = process.argv.slice(2, 5);
let throttle = process.argv.includes('--throttle-first');
const publicKey = crypto.createPublicKey(fs.readFileSync(publicKeyPath));
const fingerprint =
    'SHA256:' + crypto.createHash('sha256').update(publicKey.export({type: 'spki', format: 'der'}))
                    .digest('base64');
const pending = new Map();  // handle -> polls left before the result is ready
let nextHandle = 1;

function fromBase64Url(text) {
  return Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

function checkToken(req) {
  if (req.headers['x-snowflake-authorization-token-type'] !== 'KEYPAIR_JWT') {
    return 'missing X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT';
  }
  const auth = req.headers['authorization'] || '';
  if (!auth.startsWith('Bearer ')) return 'missing bearer token';
  const parts = auth.slice(7).split('.');
  if (parts.length !== 3) return 'malformed JWT';
  const header = JSON.parse(fromBase64Url(parts[0]));
  const claims = JSON.parse(fromBase64Url(parts[1]));
  if (header.alg !== 'RS256') return 'alg is not RS256';
  const valid = crypto.verify('RSA-SHA256', Buffer.from(parts[0] + '.' + parts[1]), publicKey,
                              fromBase64Url(parts[2]));
  if (!valid) return 'bad signature';
  if (claims.sub !== subject) return 'sub ' + claims.sub + ' is not ' + subject;
  if (claims.iss !== subject + '.' + fingerprint) return 'iss ' + claims.iss + ' does not match';
  const now = Math.floor(Date.now() / 1000);
  if (!(claims.iat <= now + 60 && claims.exp > now && claims.exp - claims.iat <= 3600)) {
    return 'bad iat/exp';
  }
  return null;
}

function send(res, status, body) {
  res.writeHead(status, {'Content-Type': 'application/json'});
  res.end(JSON.stringify(body));
}

function result(handle) {
  return {
    resultSetMetaData: {numRows: 0, format: 'jsonv2', rowType: []},
    data: [],
    code: '090001',
    statementStatusUrl: '/api/v2/statements/' + handle,
    sqlState: '00000',
    statementHandle: handle,
    message: 'Statement executed successfully.',
  };
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (throttle) {
      throttle = false;
      return send(res, 429, {code: '000429', message: 'Too many requests'});
    }
    const problem = checkToken(req);
    if (problem) return send(res, 401, {code: '390144', message: 'JWT token is invalid: ' + problem});
    if (req.method === 'GET' && req.url.startsWith('/api/v2/statements/')) {
      const handle = req.url.slice('/api/v2/statements/'.length);
      const left = pending.get(handle) || 0;
      if (left > 0) {
        pending.set(handle, left - 1);
        return send(res, 202, {code: '333334', message: 'Asynchronous execution in progress.',
                               statementHandle: handle,
                               statementStatusUrl: '/api/v2/statements/' + handle});
      }
      return send(res, 200, result(handle));
    }
    if (req.method !== 'POST' || req.url.split('?')[0] !== '/api/v2/statements') {
      return send(res, 404, {code: '000404', message: 'no such endpoint'});
    }
    const request = JSON.parse(body);
    fs.appendFileSync(logPath, JSON.stringify({
      statement: request.statement, database: request.database, schema: request.schema,
      warehouse: request.warehouse, role: request.role, parameters: request.parameters,
      user_agent: req.headers['user-agent'],
    }) + '\n');
    const handle = '01b0-' + String(nextHandle++).padStart(4, '0');
    if (request.statement.includes('FAIL_422')) {
      return send(res, 422, {code: '002003', sqlState: '42S02', statementHandle: handle,
                             message: "SQL compilation error:\nObject 'FAIL_422' does not exist or not authorized."});
    }
    if (request.statement.includes('COPY INTO')) {
      pending.set(handle, 2);
      return send(res, 202, {code: '333334', message: 'Asynchronous execution in progress.',
                             statementHandle: handle,
                             statementStatusUrl: '/api/v2/statements/' + handle});
    }
    return send(res, 200, result(handle));
  });
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
// Stop on our own when the test that started us is gone.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
