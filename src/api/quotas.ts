// Service quotas (appmesh-spec §3.10): App Mesh's defaults, overridable per deployment.

export const defaultQuotas = {
  meshesPerAccount: 15,
  virtualServicesPerMesh: 200,
  virtualNodesPerMesh: 200,
  virtualRoutersPerMesh: 200,
  routesPerVirtualRouter: 50,
  virtualGatewaysPerMesh: 3,
  gatewayRoutesPerVirtualGateway: 10,
  backendsPerVirtualNode: 50,
  connectedProxiesPerVirtualNode: 50,
  connectedProxiesPerVirtualGateway: 50,
  /** Registry instances per service (Cloud Map's default limit). */
  instancesPerService: 1000,
};

export type Quotas = Readonly<typeof defaultQuotas>;
export type QuotaName = keyof Quotas;

/** Parses `name=value` overrides (from --quota flags or SWITCHYARD_QUOTAS, comma-separated). */
export function parseQuotaOverrides(entries: readonly string[]): Quotas {
  const quotas: Record<string, number> = { ...defaultQuotas };
  for (const entry of entries
    .flatMap((e) => e.split(','))
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [name, value] = entry.split('=');
    if (name === undefined || !Object.hasOwn(defaultQuotas, name)) {
      throw new Error(
        `unknown quota ${JSON.stringify(name)}; known: ${Object.keys(defaultQuotas).join(', ')}`,
      );
    }
    const number = Number(value);
    if (!Number.isSafeInteger(number) || number < 1) {
      throw new Error(`quota ${name} must be a whole number of at least 1, got ${JSON.stringify(value)}`);
    }
    quotas[name] = number;
  }
  return Object.freeze(quotas as Quotas);
}
