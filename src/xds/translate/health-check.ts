// A node listener's App Mesh health check as the active health check client proxies run against its endpoints.
import type { HealthCheckPolicy } from '../../model/specs/index.ts';
import { millisToDuration } from './durations.ts';
import type { HealthCheck } from './envoy-types.ts';

export function healthCheck(policy: HealthCheckPolicy): HealthCheck {
  const check: HealthCheck = {
    timeout: millisToDuration(policy.timeoutMillis),
    interval: millisToDuration(policy.intervalMillis),
    unhealthy_threshold: { value: policy.unhealthyThreshold },
    healthy_threshold: { value: policy.healthyThreshold },
  };
  switch (policy.protocol) {
    case 'http':
    case 'http2':
      check.http_health_check = {
        path: policy.path ?? '/',
        codec_client_type: policy.protocol === 'http2' ? 'HTTP2' : 'HTTP1',
      };
      break;
    case 'grpc':
      check.grpc_health_check = {};
      break;
    case 'tcp':
      // An empty send/receive only checks that a connection can be opened.
      check.tcp_health_check = {};
      break;
  }
  if (policy.port != null) check.alt_port = { value: policy.port };
  return check;
}
