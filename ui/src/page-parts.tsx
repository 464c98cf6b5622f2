// Small pieces the console's pages share: links between pages, the error line, the proxy table.

import { ApiError } from './api-client.ts';
import type { ResourceKind } from './mesh-model.ts';
import { lastNackOf, syncStateOf, type XdsClient } from './sync-state.ts';

const enc = encodeURIComponent;

export const meshHref = (meshName: string): string => `#/meshes/${enc(meshName)}`;

export function resourceHref(
  meshName: string,
  kind: ResourceKind,
  name: string,
  parentName?: string,
): string {
  const parent = parentName === undefined ? '' : `${enc(parentName)}/`;
  return `#/meshes/${enc(meshName)}/${kind}/${parent}${enc(name)}`;
}

export function ErrorLine({ error, prefix }: { error: Error; prefix?: string }) {
  const text = error instanceof ApiError ? `${error.type}: ${error.message}` : error.message;
  const hint =
    error instanceof ApiError &&
    [
      'MissingAuthenticationTokenException',
      'UnrecognizedClientException',
      'InvalidSignatureException',
    ].includes(error.type)
      ? ' — enter an access key under "credentials" above'
      : '';
  return (
    <p class="error" role="alert">
      {prefix ? `${prefix}: ` : ''}
      {text}
      {hint}
    </p>
  );
}

export function ProxyTable({ clients }: { clients: readonly XdsClient[] }) {
  if (clients.length === 0) return <p class="muted">no proxy connected</p>;
  return (
    <table class="proxies">
      <thead>
        <tr>
          <th>node id</th>
          <th>runs</th>
          <th>state</th>
          <th>last NACK</th>
          <th>client</th>
          <th>peer</th>
          <th>connected</th>
        </tr>
      </thead>
      <tbody>
        {clients.map((client) => {
          const state = syncStateOf(client);
          const proxy = client.proxy;
          return (
            <tr key={client.streamId} data-node-id={client.nodeId} data-state={state}>
              <td>{client.nodeId}</td>
              <td>
                {proxy ? (
                  <a href={resourceHref(proxy.meshName, proxy.kind as ResourceKind, proxy.name)}>
                    {proxy.meshName}/{proxy.name}
                  </a>
                ) : (
                  '–'
                )}
              </td>
              <td>
                <span class={`state state-${state.toLowerCase()}`}>{state}</span>
              </td>
              <td class="nack">{lastNackOf(client) ?? ''}</td>
              <td>
                {client.userAgentName} {client.userAgentVersion} ({client.protocol})
              </td>
              <td>{client.peer}</td>
              <td>{new Date(client.connectedAt).toLocaleString()}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
