// A resource's recent versions from /switchyard/v1/history/…: when each was written and its spec.

import { callApi } from './api-client.ts';
import { resourcePath, type ResourceKind } from './mesh-model.ts';
import { ErrorLine } from './page-parts.tsx';
import { usePolling } from './use-polling.ts';

interface HistoryAnswer {
  readonly searchedFromRevision: number;
  readonly storeRevision: number;
  readonly complete: boolean;
  readonly entries: readonly {
    readonly revision: number;
    readonly op: 'put' | 'delete';
    readonly version?: number;
    readonly lastUpdatedAt?: number;
    readonly spec?: unknown;
  }[];
}

interface Props {
  readonly meshName: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly parentName?: string;
}

export function HistoryTable({ meshName, kind, name, parentName }: Props) {
  const apiPath = resourcePath(meshName, kind, name, parentName).replace(/^\/v20190125\//, '');
  const history = usePolling(
    () => callApi<HistoryAnswer>('GET', `/switchyard/v1/history/${apiPath}`),
    10_000,
    [apiPath],
  );
  if (history.error) return <ErrorLine error={history.error} prefix="history unavailable" />;
  const answer = history.value;
  if (!answer) return <p class="muted">loading…</p>;
  return (
    <>
      <p class="muted">
        from the store's change history, revisions {answer.searchedFromRevision}–{answer.storeRevision}
        {answer.complete ? '' : ' (not read to the end in time)'}
      </p>
      <table class="history">
        <thead>
          <tr>
            <th>revision</th>
            <th>change</th>
            <th>version</th>
            <th>written</th>
            <th>spec</th>
          </tr>
        </thead>
        <tbody>
          {answer.entries.map((entry) => (
            <tr key={entry.revision} data-revision={entry.revision}>
              <td>{entry.revision}</td>
              <td>{entry.op === 'put' ? (entry.version === 1 ? 'created' : 'updated') : 'deleted'}</td>
              <td>{entry.version ?? ''}</td>
              <td>{entry.lastUpdatedAt ? new Date(entry.lastUpdatedAt * 1000).toLocaleString() : ''}</td>
              <td>
                {entry.spec !== undefined && (
                  <details>
                    <summary>spec</summary>
                    <pre class="spec">{JSON.stringify(entry.spec, null, 2)}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
