import { mapDynamoDB } from './dynamodb';
import { mapJsonService } from './json-services';
import { mapLambda } from './lambda';
import { mapQueryService } from './query-services';
import { mapS3 } from './s3';
import { IncomingCall, MapContext, MappedCall, header } from './types';

export type { IncomingCall, MapContext, MappedCall } from './types';

/** The wire protocol of a request, which decides both how it is mapped and how an error is shaped. */
export type Protocol = 'rest-xml' | 'json' | 'query';

export function protocolOf(call: Pick<IncomingCall, 'service' | 'headers'>): Protocol {
  if (call.service === 's3') return 'rest-xml';
  // Lambda is REST-JSON: its errors are JSON with the code in x-amzn-errortype.
  if (call.service === 'lambda') return 'json';
  return header(call as IncomingCall, 'x-amz-target') ? 'json' : 'query';
}

/** Every authorization AWS performs for `call`. */
export function mapRequest(call: IncomingCall, ctx: MapContext): MappedCall {
  if (call.service === 's3') return mapS3(call, ctx);
  if (call.service === 'lambda') return mapLambda(call, ctx);
  if (protocolOf(call) === 'json') return call.service === 'dynamodb' ? mapDynamoDB(call, ctx) : mapJsonService(call, ctx);
  return mapQueryService(call, ctx);
}
