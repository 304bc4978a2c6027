import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Protocol } from './request-map';

/**
 * Errors in each service's own shape, so SDKs and the AWS CLI raise the exception AWS would:
 * S3's XML <Error>, the JSON protocols' __type, the query protocol's <ErrorResponse>.
 */

export type ErrorKind = 'AccessDenied' | 'UnknownKey' | 'SignatureDoesNotMatch' | 'ExpiredToken' | 'InvalidToken' | 'Missing' | 'Malformed' | 'Skewed' | 'PresignExpired';

interface Shape {
  readonly status: number;
  readonly code: string;
}

const S3: Record<ErrorKind, Shape> = {
  AccessDenied: { status: 403, code: 'AccessDenied' },
  UnknownKey: { status: 403, code: 'InvalidAccessKeyId' },
  SignatureDoesNotMatch: { status: 403, code: 'SignatureDoesNotMatch' },
  ExpiredToken: { status: 400, code: 'ExpiredToken' },
  InvalidToken: { status: 400, code: 'InvalidToken' },
  Missing: { status: 403, code: 'AccessDenied' },
  Malformed: { status: 400, code: 'AuthorizationHeaderMalformed' },
  Skewed: { status: 403, code: 'RequestTimeTooSkewed' },
  PresignExpired: { status: 403, code: 'AccessDenied' },
};

const JSON_SHAPES: Record<ErrorKind, Shape> = {
  AccessDenied: { status: 400, code: 'AccessDeniedException' },
  UnknownKey: { status: 400, code: 'UnrecognizedClientException' },
  SignatureDoesNotMatch: { status: 400, code: 'InvalidSignatureException' },
  ExpiredToken: { status: 400, code: 'ExpiredTokenException' },
  InvalidToken: { status: 400, code: 'UnrecognizedClientException' },
  Missing: { status: 400, code: 'MissingAuthenticationTokenException' },
  Malformed: { status: 400, code: 'IncompleteSignatureException' },
  Skewed: { status: 400, code: 'InvalidSignatureException' },
  PresignExpired: { status: 400, code: 'InvalidSignatureException' },
};

const QUERY: Record<ErrorKind, Shape> = {
  AccessDenied: { status: 403, code: 'AccessDenied' },
  UnknownKey: { status: 403, code: 'InvalidClientTokenId' },
  SignatureDoesNotMatch: { status: 403, code: 'SignatureDoesNotMatch' },
  ExpiredToken: { status: 403, code: 'ExpiredToken' },
  InvalidToken: { status: 403, code: 'InvalidClientTokenId' },
  Missing: { status: 403, code: 'MissingAuthenticationToken' },
  Malformed: { status: 400, code: 'IncompleteSignature' },
  Skewed: { status: 403, code: 'RequestExpired' },
  PresignExpired: { status: 403, code: 'RequestExpired' },
};

/** Service-specific codes for an authorization denial (SQS keeps its query code in both protocols). */
function accessDeniedCode(service: string): string | undefined {
  if (service === 'sns') return 'AuthorizationError';
  if (service === 'sqs') return 'AccessDenied';
  return undefined;
}

function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] as string);
}

export function sendAwsError(res: ServerResponse, o: { service: string; protocol: Protocol; kind: ErrorKind; message: string; method: string; resource?: string }): void {
  const requestId = randomUUID();
  const table = o.protocol === 'rest-xml' ? S3 : o.protocol === 'json' ? JSON_SHAPES : QUERY;
  const shape = table[o.kind];
  const code = (o.kind === 'AccessDenied' && accessDeniedCode(o.service)) || shape.code;
  // Lambda answers every authentication and authorization failure with 403.
  const status = o.service === 'lambda' ? 403 : o.service === 'sns' && o.kind === 'AccessDenied' ? 403 : o.service === 'sqs' && o.kind === 'AccessDenied' ? 403 : shape.status;
  const headers: Record<string, string> = { 'x-amzn-requestid': requestId, 'x-amz-request-id': requestId };
  let body: string;
  if (o.protocol === 'rest-xml') {
    headers['content-type'] = 'application/xml';
    body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${xmlEscape(o.message)}</Message>${o.resource ? `<Resource>${xmlEscape(o.resource)}</Resource>` : ''}<RequestId>${requestId}</RequestId></Error>`;
  } else if (o.protocol === 'json') {
    headers['content-type'] = o.service === 'dynamodb' ? 'application/x-amz-json-1.0' : 'application/x-amz-json-1.1';
    // SQS's JSON protocol keeps its query-protocol error codes in this header.
    if (o.service === 'sqs') headers['x-amzn-query-error'] = `${code};Sender`;
    // REST-JSON services (Lambda) name the error in this header.
    if (o.service === 'lambda') headers['x-amzn-errortype'] = code;
    body = JSON.stringify({ __type: o.service === 'dynamodb' ? `com.amazon.coral.service#${code}` : code, message: o.message, Message: o.message });
  } else {
    headers['content-type'] = 'text/xml';
    body = `<ErrorResponse><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(o.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  }
  res.writeHead(status, { ...headers, 'content-length': String(o.method === 'HEAD' ? 0 : Buffer.byteLength(body)) });
  res.end(o.method === 'HEAD' ? undefined : body);
}
