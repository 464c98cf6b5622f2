// Whether an attempt's outcome may be retried under a route's retry policy (Envoy's retry_on semantics).
import type { IncomingHttpHeaders } from 'node:http';
import { RetryOn } from '../config/route-types.ts';
import type { RetryPolicyConfig } from '../config/route-types.ts';
import type { AttemptFailureReason } from '../upstream/exchange.ts';

const grpcStatusBits: Readonly<Record<string, number>> = {
  '1': RetryOn.grpcCancelled,
  '4': RetryOn.grpcDeadlineExceeded,
  '8': RetryOn.grpcResourceExhausted,
  '13': RetryOn.grpcInternal,
  '14': RetryOn.grpcUnavailable,
};

export function retriableResponse(
  policy: RetryPolicyConfig,
  status: number,
  headers: IncomingHttpHeaders,
  grpc: boolean,
): boolean {
  const on = policy.retryOn;
  if (on & RetryOn.fiveXx && status >= 500) return true;
  if (on & RetryOn.gatewayError && (status === 502 || status === 503 || status === 504)) return true;
  if (on & RetryOn.retriable4xx && status === 409) return true;
  if (on & RetryOn.retriableStatusCodes && policy.retriableStatusCodes.has(status)) return true;
  if (grpc) {
    // Only a trailers-only answer carries grpc-status in the headers; that is all Envoy can act on.
    const gs = headers['grpc-status'];
    if (typeof gs === 'string') {
      const bit = grpcStatusBits[gs];
      if (bit !== undefined && on & bit) return true;
    }
  }
  return false;
}

export function retriableFailure(policy: RetryPolicyConfig, reason: AttemptFailureReason): boolean {
  const on = policy.retryOn;
  switch (reason) {
    case 'connect_failure':
    case 'connect_timeout':
      return (on & (RetryOn.fiveXx | RetryOn.gatewayError | RetryOn.connectFailure | RetryOn.reset)) !== 0;
    case 'refused_stream':
      return (on & (RetryOn.fiveXx | RetryOn.refusedStream | RetryOn.reset)) !== 0;
    case 'reset':
    case 'per_try_timeout':
    case 'per_try_idle_timeout':
      // A per-try timeout counts as a 504 for 5xx / gateway-error and as "no response" for reset.
      return (on & (RetryOn.fiveXx | RetryOn.gatewayError | RetryOn.reset)) !== 0;
    case 'overflow':
    case 'no_healthy_upstream':
    case 'cancelled':
      return false;
  }
}
