// A node listener's App Mesh outlier detection as Envoy consecutive-5xx ejection on client proxies.
import type { OutlierDetection as AppMeshOutlierDetection } from '../../model/specs/index.ts';
import { appMeshDuration, appMeshMillis } from './durations.ts';
import type { OutlierDetection } from './envoy-types.ts';

/**
 * App Mesh ejects on consecutive server errors only, and always at least one host whatever the percentage,
 * so success-rate ejection (on by default in Envoy) is turned off. A zero interval or ejection time would be
 * rejected by Envoy's validation; Envoy's default applies instead.
 */
export function outlierDetection(policy: AppMeshOutlierDetection): OutlierDetection {
  const result: OutlierDetection = {
    consecutive_5xx: { value: policy.maxServerErrors },
    max_ejection_percent: { value: policy.maxEjectionPercent },
    enforcing_success_rate: { value: 0 },
    always_eject_one_host: { value: true },
  };
  if (appMeshMillis(policy.interval) > 0) result.interval = appMeshDuration(policy.interval);
  if (appMeshMillis(policy.baseEjectionDuration) > 0) {
    result.base_ejection_time = appMeshDuration(policy.baseEjectionDuration);
  }
  return result;
}
