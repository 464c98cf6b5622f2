// The gRPC definition of envoy.service.discovery.v3.AggregatedDiscoveryService, built from the shared Envoy Root.
import type * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { asBuffer } from './as-buffer.ts';
import { messageType, toObjectOptions } from './envoy-root.ts';
import type {
  DeltaDiscoveryRequest,
  DeltaDiscoveryRequest__Output,
  DeltaDiscoveryResponse,
  DeltaDiscoveryResponse__Output,
  DiscoveryRequest,
  DiscoveryRequest__Output,
  DiscoveryResponse,
  DiscoveryResponse__Output,
} from './message-types.ts';

export const adsServiceName = 'envoy.service.discovery.v3.AggregatedDiscoveryService';

/** A bidi method whose responses may be given pre-encoded (Buffer) or as plain objects. */
export interface AdsMethodDefinition<Req, ReqOut, Res, ResOut> {
  path: string;
  originalName: string;
  requestStream: true;
  responseStream: true;
  requestSerialize: grpc.serialize<Req>;
  requestDeserialize: grpc.deserialize<ReqOut>;
  responseSerialize: grpc.serialize<Res | Buffer>;
  responseDeserialize: grpc.deserialize<ResOut>;
}

export interface AdsServiceDefinition {
  StreamAggregatedResources: AdsMethodDefinition<
    DiscoveryRequest,
    DiscoveryRequest__Output,
    DiscoveryResponse,
    DiscoveryResponse__Output
  >;
  DeltaAggregatedResources: AdsMethodDefinition<
    DeltaDiscoveryRequest,
    DeltaDiscoveryRequest__Output,
    DeltaDiscoveryResponse,
    DeltaDiscoveryResponse__Output
  >;
}

let cached: AdsServiceDefinition | undefined;

function codec<In, Out>(
  type: protobuf.Type,
): { serialize: (v: In | Buffer) => Buffer; deserialize: (b: Buffer) => Out } {
  return {
    serialize: (value) =>
      Buffer.isBuffer(value)
        ? value
        : asBuffer(type.encode(type.fromObject(value as Record<string, unknown>)).finish()),
    deserialize: (bytes) => type.toObject(type.decode(bytes), toObjectOptions) as Out,
  };
}

function method<Req, ReqOut, Res, ResOut>(
  name: string,
  requestType: string,
  responseType: string,
): AdsMethodDefinition<Req, ReqOut, Res, ResOut> {
  const req = codec<Req, ReqOut>(messageType(requestType));
  const res = codec<Res, ResOut>(messageType(responseType));
  return {
    path: `/${adsServiceName}/${name}`,
    originalName: name,
    requestStream: true,
    responseStream: true,
    requestSerialize: req.serialize,
    requestDeserialize: req.deserialize,
    responseSerialize: res.serialize,
    responseDeserialize: res.deserialize,
  };
}

/** Usable both by servers (`server.addService`) and clients (`grpc.makeGenericClientConstructor`). */
export function adsServiceDefinition(): AdsServiceDefinition {
  cached ??= {
    StreamAggregatedResources: method<
      DiscoveryRequest,
      DiscoveryRequest__Output,
      DiscoveryResponse,
      DiscoveryResponse__Output
    >(
      'StreamAggregatedResources',
      'envoy.service.discovery.v3.DiscoveryRequest',
      'envoy.service.discovery.v3.DiscoveryResponse',
    ),
    DeltaAggregatedResources: method<
      DeltaDiscoveryRequest,
      DeltaDiscoveryRequest__Output,
      DeltaDiscoveryResponse,
      DeltaDiscoveryResponse__Output
    >(
      'DeltaAggregatedResources',
      'envoy.service.discovery.v3.DeltaDiscoveryRequest',
      'envoy.service.discovery.v3.DeltaDiscoveryResponse',
    ),
  };
  return cached;
}
