// The Mesh spec: egress policy and the mesh-wide IP preference; `{}` is a valid (all defaults) spec.

import { oneOf, required, struct, type Infer } from '../shape.ts';
import { ipPreferenceShape } from './common.ts';

export const egressFilterShape = struct({
  type: required(oneOf(['ALLOW_ALL', 'DROP_ALL'] as const)),
});
export type EgressFilter = Infer<typeof egressFilterShape>;

export const meshSpecShape = struct({
  egressFilter: egressFilterShape,
  serviceDiscovery: struct({ ipPreference: ipPreferenceShape }),
});
export type MeshSpec = Infer<typeof meshSpecShape>;
