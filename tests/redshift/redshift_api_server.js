// A stand-in for the Amazon Redshift API (query protocol, version 2012-12-01), for
// target-redshift's IAM authentication tests. It follows the published request and response
// shapes: a form-encoded POST to /, signed with AWS Signature Version 4 for service "redshift",
// answered with a GetClusterCredentialsResponse or an ErrorResponse. It recomputes every
// signature with the secret key it was given and appends each accepted request to a JSON-lines
// log the tests read.
//
//   node redshift_api_server.js LOG.jsonl ACCESS_KEY_ID SECRET_ACCESS_KEY CLUSTER_ID DB_PASSWORD
//
// Prints the port it listens on (127.0.0.1) as its first line and exits when its standard input
// closes (tests/node_standin_server.h starts it that way). Issues DB_PASSWORD for
// "IAM:<DbUser>" ("IAMA:<DbUser>" with AutoCreate=true). Errors: 403 SignatureDoesNotMatch or
// InvalidClientTokenId, 404 ClusterNotFound, 400 InvalidAction / InvalidParameterValue.
'use strict';
const http = require('http');
const crypto = require('crypto');
const fs = require('fs');

const [logPath, accessKeyId, secretKey, clusterId, password] = process.argv.slice(2, 7);
const NS = 'http://redshift.amazonaws.com/doc/2012-12-01/';

function xmlEscape(text) {
  return String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function sendError(res, status, code, message) {
  res.writeHead(status, {'Content-Type': 'text/xml'});
  res.end(`<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>Sender</Type>\n` +
          `    <Code>${code}</Code>\n    <Message>${xmlEscape(message)}</Message>\n` +
          `  </Error>\n  <RequestId>${crypto.randomUUID()}</RequestId>\n</ErrorResponse>\n`);
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data).digest();

function rfc3986(text) {
  return encodeURIComponent(text).replace(/[!'()*]/g,
                                           (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

// Returns null when the SigV4 signature holds, else [status, code, message].
function checkSignature(req, body) {
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/
                    .exec(req.headers['authorization'] || '');
  if (!match) return [403, 'IncompleteSignature', 'Authorization header is not AWS4-HMAC-SHA256'];
  const [, keyId, date, region, service, signedHeaders, signature] = match;
  if (keyId !== accessKeyId) {
    return [403, 'InvalidClientTokenId',
            'The security token included in the request is invalid.'];
  }
  if (service !== 'redshift') {
    return [403, 'SignatureDoesNotMatch',
            `Credential should be scoped to correct service: 'redshift'.`];
  }
  const amzDate = req.headers['x-amz-date'] || '';
  const names = signedHeaders.split(';');
  if (!names.includes('host') || !names.includes('x-amz-date') || !amzDate.startsWith(date)) {
    return [403, 'IncompleteSignature', 'host and x-amz-date must be signed'];
  }
  const when = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8),
                        +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs(Date.now() - when) > 15 * 60 * 1000) {
    return [403, 'SignatureDoesNotMatch', 'Signature expired: ' + amzDate];
  }
  const [path, query = ''] = req.url.split('?');
  const canonicalQuery = query === '' ? '' : [...new URLSearchParams(query)]
      .map(([k, v]) => rfc3986(k) + '=' + rfc3986(v)).sort().join('&');
  const canonicalHeaders = names.map(
      (name) => name + ':' + String(req.headers[name] || '').trim().replace(/\s+/g, ' ') + '\n')
      .join('');
  const canonicalRequest = [req.method, path, canonicalQuery, canonicalHeaders, signedHeaders,
                            sha256(body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac('AWS4' + secretKey, date), region), service), 'aws4_request');
  const expected = crypto.createHmac('sha256', key).update(stringToSign).digest('hex');
  if (expected !== signature) {
    return [403, 'SignatureDoesNotMatch',
            'The request signature we calculated does not match the signature you provided. ' +
            'Check your AWS Secret Access Key and signing method. Consult the service ' +
            'documentation for details.'];
  }
  return null;
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    if (req.method !== 'POST' || req.url.split('?')[0] !== '/') {
      return sendError(res, 404, 'InvalidAction', 'POST the form to /');
    }
    const problem = checkSignature(req, body);
    if (problem) return sendError(res, ...problem);
    const params = Object.fromEntries(new URLSearchParams(body));
    const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(req.headers['authorization']);
    const action = params.Action;
    if (params.Version !== '2012-12-01' ||
        (action !== 'GetClusterCredentials' && action !== 'GetClusterCredentialsWithIAM')) {
      return sendError(res, 400, 'InvalidAction', `Could not find operation ${action}`);
    }
    if (params.ClusterIdentifier !== clusterId) {
      return sendError(res, 404, 'ClusterNotFound',
                       `Cluster ${params.ClusterIdentifier} not found.`);
    }
    const duration = Number(params.DurationSeconds || 900);
    if (!(duration >= 900 && duration <= 3600)) {
      return sendError(res, 400, 'InvalidParameterValue',
                       'DurationSeconds must be between 900 and 3600');
    }
    let dbUser;
    if (action === 'GetClusterCredentials') {
      if (!params.DbUser) return sendError(res, 400, 'MissingParameter', 'DbUser is required');
      dbUser = (params.AutoCreate === 'true' ? 'IAMA:' : 'IAM:') + params.DbUser;
    } else {
      dbUser = 'IAMR:' + keyId(req);
    }
    fs.appendFileSync(logPath, JSON.stringify({
      params, region: scope[1], service: scope[2],
      content_type: req.headers['content-type'],
    }) + '\n');
    const expiration = new Date(Date.now() + duration * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const result = action + 'Result';
    res.writeHead(200, {'Content-Type': 'text/xml'});
    res.end(`<${action}Response xmlns="${NS}">\n  <${result}>\n` +
            `    <DbUser>${xmlEscape(dbUser)}</DbUser>\n` +
            `    <Expiration>${expiration}</Expiration>\n` +
            `    <DbPassword>${xmlEscape(password)}</DbPassword>\n  </${result}>\n` +
            `  <ResponseMetadata>\n    <RequestId>${crypto.randomUUID()}</RequestId>\n` +
            `  </ResponseMetadata>\n</${action}Response>\n`);
  });
});

function keyId(req) {
  return /Credential=([^/]+)\//.exec(req.headers['authorization'])[1];
}

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(server.address().port + '\n');
});
// Stop on our own when the test that started us is gone.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
