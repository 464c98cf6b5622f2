// The VirtualNode spec: the listeners a workload serves, how peers discover it, and what it calls.

import { list, oneOf, refine, required, string, struct, union, type Infer } from '../shape.ts';
import { serviceNameShape } from '../names.ts';
import {
  checkDistinctListenerPorts,
  ipPreferenceShape,
  isSet,
  portMappingShape,
  protocols,
} from './common.ts';
import {
  checkListenerOptions,
  healthCheckShape,
  listenerTimeoutShape,
  loggingShape,
  nodeConnectionPoolShape,
  outlierDetectionShape,
} from './listener-parts.ts';
import { clientPolicyShape, listenerTlsShape } from './tls.ts';

export const healthCheckPolicyShape = healthCheckShape(protocols);
export type HealthCheckPolicy = Infer<typeof healthCheckPolicyShape>;

export const listenerShape = refine(
  struct({
    connectionPool: nodeConnectionPoolShape,
    healthCheck: healthCheckPolicyShape,
    outlierDetection: outlierDetectionShape,
    portMapping: required(portMappingShape),
    timeout: listenerTimeoutShape,
    tls: listenerTlsShape,
  }),
  checkListenerOptions,
);
export type Listener = Infer<typeof listenerShape>;

const cloudMapAttributeShape = struct({
  key: required(string({ min: 1, max: 255, pattern: /^[a-zA-Z0-9!-~]+$/ })),
  value: required(
    string({ min: 1, max: 1024, pattern: /^([a-zA-Z0-9!-~][ a-zA-Z0-9!-~]*){0,1}[a-zA-Z0-9!-~]{0,1}$/ }),
  ),
});

export const serviceDiscoveryShape = union({
  awsCloudMap: struct({
    attributes: list(cloudMapAttributeShape),
    ipPreference: ipPreferenceShape,
    namespaceName: required(string({ min: 1, max: 1024 })),
    serviceName: required(string({ min: 1, max: 1024 })),
  }),
  dns: struct({
    // Unconstrained in the model; an empty hostname cannot be resolved.
    hostname: required(string({ min: 1 })),
    ipPreference: ipPreferenceShape,
    responseType: oneOf(['LOADBALANCER', 'ENDPOINTS'] as const),
  }),
});
export type ServiceDiscovery = Infer<typeof serviceDiscoveryShape>;

export const backendShape = union({
  virtualService: struct({
    clientPolicy: clientPolicyShape,
    virtualServiceName: required(serviceNameShape),
  }),
});
export type Backend = Infer<typeof backendShape>;

export const backendDefaultsShape = struct({ clientPolicy: clientPolicyShape });
export type BackendDefaults = Infer<typeof backendDefaultsShape>;

export const virtualNodeSpecShape = refine(
  struct({
    backendDefaults: backendDefaultsShape,
    backends: list(backendShape),
    listeners: list(listenerShape),
    logging: loggingShape,
    serviceDiscovery: serviceDiscoveryShape,
  }),
  (spec, path, out) => {
    const listeners = spec.listeners ?? [];
    // Without service discovery no peer can find the listener, so it would never receive traffic.
    if (listeners.length > 0 && !isSet(spec.serviceDiscovery)) {
      out.push({ path: `${path}.serviceDiscovery`, message: 'is required when the node has listeners' });
    }
    checkDistinctListenerPorts(listeners, `${path}.listeners`, out);
    // App Mesh once collapsed duplicate backends silently; it now rejects them (roadmap #170).
    const seen = new Map<string, number>();
    (spec.backends ?? []).forEach((backend, index) => {
      const name = backend.virtualService.virtualServiceName;
      const first = seen.get(name);
      if (first === undefined) seen.set(name, index);
      else {
        out.push({
          path: `${path}.backends[${index}].virtualService.virtualServiceName`,
          message: `duplicates ${path}.backends[${first}] (${name})`,
        });
      }
    });
  },
);
export type VirtualNodeSpec = Infer<typeof virtualNodeSpecShape>;
