// Durations: App Mesh `{unit, value}` and milliseconds to google.protobuf.Duration.
import type { Duration as AppMeshDuration } from '../../model/specs/index.ts';
import type { Duration } from './envoy-types.ts';

export function millisToDuration(ms: number): Duration {
  const whole = Math.floor(ms / 1000);
  return { seconds: whole, nanos: Math.round((ms - whole * 1000) * 1_000_000) };
}

export function appMeshMillis(duration: AppMeshDuration): number {
  return duration.unit === 's' ? duration.value * 1000 : duration.value;
}

export function appMeshDuration(duration: AppMeshDuration): Duration {
  return millisToDuration(appMeshMillis(duration));
}
