// The VirtualService spec: an optional provider, either one virtual node or one virtual router.

import { required, struct, union, type Infer } from '../shape.ts';
import { resourceNameShape } from '../names.ts';

export const virtualServiceProviderShape = union({
  virtualNode: struct({ virtualNodeName: required(resourceNameShape) }),
  virtualRouter: struct({ virtualRouterName: required(resourceNameShape) }),
});
export type VirtualServiceProvider = Infer<typeof virtualServiceProviderShape>;

/** A service without a provider is valid: a placeholder that routes nothing yet. */
export const virtualServiceSpecShape = struct({ provider: virtualServiceProviderShape });
export type VirtualServiceSpec = Infer<typeof virtualServiceSpecShape>;
