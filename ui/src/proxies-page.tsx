// Every proxy connected to this control plane with its sync state and last NACK, and the proxies refused lately.

import { ErrorLine, ProxyTable } from './page-parts.tsx';
import { fetchClients } from './proxy-status.ts';
import { usePolling } from './use-polling.ts';

export function ProxiesPage() {
  const clients = usePolling(fetchClients, 3000, []);
  return (
    <main>
      <h2>Proxies</h2>
      {clients.error && <ErrorLine error={clients.error} />}
      {clients.value && <ProxyTable clients={clients.value.clients} />}
      {clients.value && clients.value.rejected.length > 0 && (
        <>
          <h3>Refused lately</h3>
          <table class="proxies">
            <thead>
              <tr>
                <th>node id</th>
                <th>code</th>
                <th>reason</th>
                <th>last</th>
              </tr>
            </thead>
            <tbody>
              {clients.value.rejected.map((entry) => (
                <tr key={entry.nodeId}>
                  <td>{entry.nodeId}</td>
                  <td>{entry.code}</td>
                  <td>{entry.reason}</td>
                  <td>{new Date(entry.lastAt).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
