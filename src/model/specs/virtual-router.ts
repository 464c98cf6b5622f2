// The VirtualRouter spec: the ports and protocols applications use to reach the router's routes.

import { list, refine, required, struct, type Infer } from '../shape.ts';
import { checkDistinctListenerPorts, portMappingShape } from './common.ts';

export const virtualRouterListenerShape = struct({ portMapping: required(portMappingShape) });
export type VirtualRouterListener = Infer<typeof virtualRouterListenerShape>;

/**
 * The model makes `listeners` optional, so a router may exist without listeners (no route can be
 * attached to it then); an explicitly empty list is rejected as a likely mistake.
 */
export const virtualRouterSpecShape = refine(
  struct({ listeners: list(virtualRouterListenerShape, { min: 1 }) }),
  (spec, path, out) => {
    if (spec.listeners) checkDistinctListenerPorts(spec.listeners, `${path}.listeners`, out);
  },
);
export type VirtualRouterSpec = Infer<typeof virtualRouterSpecShape>;
