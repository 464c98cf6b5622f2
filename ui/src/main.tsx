// The console's entry point: the header, and a page per location hash (#/, #/meshes/M, #/meshes/M/kind/…,
// #/proxies), so the server serves one page and every view is a link.

import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { consoleConfig, type ConsoleConfig } from './api-client.ts';
import { CredentialsBar } from './credentials-bar.tsx';
import { GraphPage } from './graph-page.tsx';
import { kindPaths, type ResourceKind } from './mesh-model.ts';
import { MeshesPage } from './meshes-page.tsx';
import { ProxiesPage } from './proxies-page.tsx';
import { ResourcePage } from './resource-page.tsx';

const parentKinds: ReadonlySet<string> = new Set(['route', 'gatewayRoute']);

function pageFor(hash: string) {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  if (parts[0] === 'proxies') return <ProxiesPage />;
  if (parts[0] === 'meshes' && parts[1] !== undefined) {
    const meshName = parts[1];
    if (parts.length === 2) return <GraphPage meshName={meshName} key={meshName} />;
    const kind = parts[2] as ResourceKind;
    if (kind in kindPaths) {
      const [first, second] = parts.slice(3);
      if (parentKinds.has(kind) && first !== undefined && second !== undefined)
        return <ResourcePage meshName={meshName} kind={kind} parentName={first} name={second} />;
      if (!parentKinds.has(kind) && first !== undefined)
        return <ResourcePage meshName={meshName} kind={kind} name={first} />;
    }
  }
  return <MeshesPage />;
}

function App() {
  const [hash, setHash] = useState(location.hash);
  const [config, setConfig] = useState<ConsoleConfig | undefined>(undefined);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    consoleConfig().then(setConfig, () => undefined);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return (
    <>
      <header>
        <h1>
          <a href="#/">Switchyard</a>
        </h1>
        <nav>
          <a href="#/">meshes</a>
          <a href="#/proxies">proxies</a>
        </nav>
        <CredentialsBar config={config} />
      </header>
      {pageFor(hash)}
    </>
  );
}

render(<App />, document.getElementById('app')!);
