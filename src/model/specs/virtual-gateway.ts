// The VirtualGateway spec: a stand-alone ingress proxy's listeners, client TLS defaults and logging.

import { list, refine, required, struct, type Infer } from '../shape.ts';
import { checkDistinctListenerPorts, gatewayPortMappingShape, gatewayProtocols } from './common.ts';
import {
  checkListenerOptions,
  gatewayConnectionPoolShape,
  healthCheckShape,
  loggingShape,
} from './listener-parts.ts';
import { clientPolicyShape, listenerTlsShape } from './tls.ts';

export const gatewayHealthCheckPolicyShape = healthCheckShape(gatewayProtocols);
export type VirtualGatewayHealthCheckPolicy = Infer<typeof gatewayHealthCheckPolicyShape>;

/** Unlike node listeners: no tcp, no timeout and no outlier detection. */
export const virtualGatewayListenerShape = refine(
  struct({
    connectionPool: gatewayConnectionPoolShape,
    healthCheck: gatewayHealthCheckPolicyShape,
    portMapping: required(gatewayPortMappingShape),
    tls: listenerTlsShape,
  }),
  checkListenerOptions,
);
export type VirtualGatewayListener = Infer<typeof virtualGatewayListenerShape>;

export const virtualGatewayBackendDefaultsShape = struct({ clientPolicy: clientPolicyShape });

export const virtualGatewaySpecShape = refine(
  struct({
    backendDefaults: virtualGatewayBackendDefaultsShape,
    listeners: required(list(virtualGatewayListenerShape, { min: 1 })),
    logging: loggingShape,
  }),
  (spec, path, out) => checkDistinctListenerPorts(spec.listeners, `${path}.listeners`, out),
);
export type VirtualGatewaySpec = Infer<typeof virtualGatewaySpecShape>;
