// Hand-assembled DiscoveryResponse / DeltaDiscoveryResponse bytes from resources that are already encoded.
import protobuf from 'protobufjs';
import { finishWriter as finish } from './as-buffer.ts';
import type { Resource } from './resource.ts';

// Field tags (field number << 3 | wire type 2) from envoy/service/discovery/v3/discovery.proto.
const tag = (field: number): number => (field << 3) | 2;

export interface SotwResponseParts {
  readonly versionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly resources: readonly Resource[];
  readonly controlPlane?: string;
}

/** DiscoveryResponse bytes; each resource contributes its cached Any bytes (a copy, never a re-encode). */
export function encodeDiscoveryResponse(parts: SotwResponseParts): Buffer {
  const w = protobuf.Writer.create();
  if (parts.versionInfo !== '') w.uint32(tag(1)).string(parts.versionInfo);
  for (const r of parts.resources) w.uint32(tag(2)).bytes(r.anyBytes);
  w.uint32(tag(4)).string(parts.typeUrl);
  w.uint32(tag(5)).string(parts.nonce);
  if (parts.controlPlane !== undefined) w.uint32(tag(6)).bytes(encodeControlPlane(parts.controlPlane));
  return finish(w);
}

export interface DeltaResponseParts {
  readonly systemVersionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  readonly resources: readonly Resource[];
  readonly removedResources: readonly string[];
  readonly controlPlane?: string;
}

/** DeltaDiscoveryResponse bytes; each resource contributes its cached discovery.v3.Resource bytes. */
export function encodeDeltaDiscoveryResponse(parts: DeltaResponseParts): Buffer {
  const w = protobuf.Writer.create();
  if (parts.systemVersionInfo !== '') w.uint32(tag(1)).string(parts.systemVersionInfo);
  for (const r of parts.resources) w.uint32(tag(2)).bytes(r.deltaBytes);
  w.uint32(tag(4)).string(parts.typeUrl);
  w.uint32(tag(5)).string(parts.nonce);
  for (const name of parts.removedResources) w.uint32(tag(6)).string(name);
  if (parts.controlPlane !== undefined) w.uint32(tag(7)).bytes(encodeControlPlane(parts.controlPlane));
  return finish(w);
}

function encodeControlPlane(identifier: string): Buffer {
  return finish(protobuf.Writer.create().uint32(tag(1)).string(identifier));
}
