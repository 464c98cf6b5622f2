// Cross-resource rules (appmesh-spec §3.1): a route must fit its router's listeners, a target port must
// name one of the target's listeners. Pure: the API loads the resources and calls these.

import type { Violation } from './shape.ts';
import { isSet } from './specs/common.ts';
import {
  gatewayRouteTypes,
  routeTypes,
  type GatewayRouteSpec,
  type RouteSpec,
  type VirtualGatewaySpec,
  type VirtualNodeSpec,
  type VirtualRouterSpec,
} from './specs/index.ts';

interface PortMappingLike {
  readonly port: number;
  readonly protocol: string;
}

interface Parent {
  /** `Virtual Router` or `Virtual Gateway`, as App Mesh's messages spell it. */
  readonly title: string;
  /** `Route` or `Gateway Route`. */
  readonly childTitle: string;
  readonly listeners: readonly PortMappingLike[];
}

/** The one route variant a validated spec sets, with the listener protocol it needs. */
interface Variant<K extends string = string> {
  readonly type: K;
  readonly protocol: string;
  readonly matchPort: number | undefined;
}

function protocolOf(type: string): string {
  return type.slice(0, -'Route'.length);
}

function variantOf<K extends string>(spec: object, types: readonly K[]): Variant<K> | undefined {
  const record = spec as Record<string, { match?: { port?: number | null } | null } | null | undefined>;
  const type = types.find((name) => isSet(record[name]));
  if (type === undefined) return undefined;
  const port = record[type]?.match?.port;
  return { type, protocol: protocolOf(type), matchPort: isSet(port) ? port : undefined };
}

function portList(ports: readonly number[]): string {
  return ports.length === 0 ? 'none' : ports.join(', ');
}

function checkAgainstParent(variant: Variant, parent: Parent): Violation[] {
  const portPath = `spec.${variant.type}.match.port`;
  const ports = parent.listeners.map((listener) => listener.port);
  if (parent.listeners.length === 0) {
    return [
      { path: 'spec', message: `the ${parent.title} has no listeners, so no ${parent.childTitle} fits it` },
    ];
  }
  if (variant.matchPort !== undefined) {
    const listener = parent.listeners.find((candidate) => candidate.port === variant.matchPort);
    if (!listener) {
      return [
        {
          path: portPath,
          message: `port ${variant.matchPort} is not a listener port of the ${parent.title} (listener ports: ${portList(ports)})`,
        },
      ];
    }
    if (listener.protocol !== variant.protocol) {
      return [
        {
          path: `spec.${variant.type}`,
          message: `${variant.type} does not match the ${parent.title} listener on port ${listener.port}, whose protocol is ${listener.protocol}`,
        },
      ];
    }
    return [];
  }
  if (parent.listeners.length > 1) {
    return [
      {
        path: portPath,
        message: `${parent.childTitle} must define a port match criteria if the ${parent.title} has multiple listeners`,
      },
    ];
  }
  const only = parent.listeners[0] as PortMappingLike;
  if (only.protocol !== variant.protocol) {
    return [
      {
        path: `spec.${variant.type}`,
        message: `${variant.type} does not match the ${parent.title} listener protocol ${only.protocol}`,
      },
    ];
  }
  return [];
}

function routerParent(router: VirtualRouterSpec): Parent {
  return {
    title: 'Virtual Router',
    childTitle: 'Route',
    listeners: (router.listeners ?? []).map((listener) => listener.portMapping),
  };
}

function gatewayParent(gateway: VirtualGatewaySpec): Parent {
  return {
    title: 'Virtual Gateway',
    childTitle: 'Gateway Route',
    listeners: (gateway.listeners ?? []).map((listener) => listener.portMapping),
  };
}

/** A route must use its router listener's protocol and, with several listeners, match a port. */
export function checkRouteAgainstRouter(route: RouteSpec, router: VirtualRouterSpec): Violation[] {
  const variant = variantOf(route, routeTypes);
  return variant ? checkAgainstParent(variant, routerParent(router)) : [];
}

export function checkGatewayRouteAgainstGateway(
  route: GatewayRouteSpec,
  gateway: VirtualGatewaySpec,
): Violation[] {
  const variant = variantOf(route, gatewayRouteTypes);
  return variant ? checkAgainstParent(variant, gatewayParent(gateway)) : [];
}

/** An updated router or gateway must still fit every route it already holds. */
function checkParentAgainstChildren(
  parent: Parent,
  children: readonly { name: string; spec: object }[],
  types: readonly string[],
): Violation[] {
  const lackingPort: string[] = [];
  const out: Violation[] = [];
  for (const child of children) {
    const variant = variantOf(child.spec, types);
    if (!variant) continue;
    if (variant.matchPort === undefined && parent.listeners.length > 1) {
      lackingPort.push(child.name);
      continue;
    }
    for (const violation of checkAgainstParent(variant, parent)) {
      out.push({
        path: 'spec.listeners',
        message: `${parent.childTitle} ${child.name}: ${violation.message}`,
      });
    }
  }
  if (lackingPort.length > 0) {
    out.unshift({
      path: 'spec.listeners',
      message: `All ${parent.childTitle}s for this ${parent.title} must define a port match criteria if the ${parent.title} has multiple listeners (missing on: ${lackingPort.join(', ')})`,
    });
  }
  return out;
}

export function checkRouterAgainstRoutes(
  router: VirtualRouterSpec,
  routes: readonly { name: string; spec: RouteSpec }[],
): Violation[] {
  return checkParentAgainstChildren(routerParent(router), routes, routeTypes);
}

export function checkGatewayRoutesAgainstGateway(
  gateway: VirtualGatewaySpec,
  routes: readonly { name: string; spec: GatewayRouteSpec }[],
): Violation[] {
  return checkParentAgainstChildren(gatewayParent(gateway), routes, gatewayRouteTypes);
}

/** Checks a target port against the listener ports of what it points at. */
function checkTargetPort(
  port: number | null | undefined,
  listenerPorts: readonly number[],
  target: string,
  path: string,
): Violation[] {
  if (!isSet(port)) {
    return listenerPorts.length > 1
      ? [
          {
            path,
            message: `is required because ${target} has multiple listeners (${portList(listenerPorts)})`,
          },
        ]
      : [];
  }
  if (listenerPorts.includes(port)) return [];
  return [
    {
      path,
      message: `port ${port} is not a listener port of ${target} (listener ports: ${portList(listenerPorts)})`,
    },
  ];
}

/** Weighted targets must name a listener port of their node when the node has several. */
export function checkRouteTargets(
  route: RouteSpec,
  nodes: ReadonlyMap<string, VirtualNodeSpec>,
): Violation[] {
  const variant = variantOf(route, routeTypes);
  if (!variant) return [];
  const targets = route[variant.type]?.action.weightedTargets ?? [];
  return targets.flatMap((target, index) => {
    const node = nodes.get(target.virtualNode);
    if (!node) return [];
    const ports = (node.listeners ?? []).map((listener) => listener.portMapping.port);
    const path = `spec.${variant.type}.action.weightedTargets[${index}].port`;
    return checkTargetPort(target.port, ports, `Virtual Node ${target.virtualNode}`, path);
  });
}

/**
 * A gateway route's target port must name a listener port of the target service's provider when it has
 * several; `providerListenerPorts` is undefined when the service has no provider (nothing to check).
 */
export function checkGatewayRouteTarget(
  route: GatewayRouteSpec,
  providerListenerPorts: readonly number[] | undefined,
): Violation[] {
  const variant = variantOf(route, gatewayRouteTypes);
  if (!variant || providerListenerPorts === undefined) return [];
  const target = route[variant.type]?.action.target;
  if (!target) return [];
  const name = target.virtualService.virtualServiceName;
  const path = `spec.${variant.type}.action.target.port`;
  return checkTargetPort(target.port, providerListenerPorts, `the provider of Virtual Service ${name}`, path);
}
