// The traffic-split control of one route: a slider per weighted target, written through UpdateRoute.

import { useEffect, useState } from 'preact/hooks';
import { ApiError, callApi } from './api-client.ts';
import { resourcePath, type RouteFacts } from './mesh-model.ts';

interface Props {
  readonly meshName: string;
  readonly route: RouteFacts;
  readonly onSaved: () => void;
}

/** The route's spec with `weights` in place of its targets' weights; every other member kept as it is. */
function specWithWeights(route: RouteFacts, weights: readonly number[]): Record<string, unknown> {
  const protocolSpec = route.data.spec[route.protocol] as { action: Record<string, unknown> };
  return {
    ...route.data.spec,
    [route.protocol]: {
      ...protocolSpec,
      action: {
        ...protocolSpec.action,
        weightedTargets: route.targets.map((target, at) => ({
          ...target,
          weight: weights[at] ?? target.weight,
        })),
      },
    },
  };
}

export function SplitControl({ meshName, route, onSaved }: Props) {
  const version = route.data.metadata.version;
  const [weights, setWeights] = useState(route.targets.map((target) => target.weight));
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ text: string; error: boolean } | undefined>(undefined);
  // A newer version from the server replaces the sliders, unless the user is in the middle of a change.
  useEffect(() => {
    if (!dirty) setWeights(route.targets.map((target) => target.weight));
  }, [version]);
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const apply = async () => {
    setSaving(true);
    setMessage(undefined);
    try {
      const answer = await callApi<{ metadata: { version: number } }>(
        'PUT',
        resourcePath(meshName, 'route', route.name, route.routerName),
        { spec: specWithWeights(route, weights) },
      );
      setDirty(false);
      setMessage({ text: `saved: version ${answer.metadata.version}`, error: false });
      onSaved();
    } catch (error) {
      const text =
        error instanceof ApiError ? `${error.type}: ${error.message}` : `failed: ${(error as Error).message}`;
      setMessage({ text, error: true });
    } finally {
      setSaving(false);
    }
  };
  return (
    <section class="split" data-route={`${route.routerName}/${route.name}`}>
      <h3>
        Traffic split · {route.routerName} / {route.name} <span class="muted">v{version}</span>
      </h3>
      {route.targets.map((target, at) => (
        <label class="split-row" key={target.virtualNode}>
          <span class="split-name">{target.virtualNode}</span>
          <input
            type="range"
            min={0}
            max={100}
            step={1}
            value={weights[at]}
            aria-label={`weight of ${target.virtualNode}`}
            onInput={(event) => {
              const next = [...weights];
              next[at] = Number((event.currentTarget as HTMLInputElement).value);
              setWeights(next);
              setDirty(true);
            }}
          />
          <span class="split-weight">{weights[at]}</span>
          <span class="split-share muted">
            {total > 0 ? `${(((weights[at] ?? 0) / total) * 100).toFixed(0)}%` : '–'}
          </span>
        </label>
      ))}
      <div class="split-actions">
        <button type="button" disabled={!dirty || saving || total === 0} onClick={() => void apply()}>
          {saving ? 'Applying…' : 'Apply split'}
        </button>
        {dirty && (
          <button
            type="button"
            class="secondary"
            onClick={() => {
              setWeights(route.targets.map((target) => target.weight));
              setDirty(false);
            }}
          >
            Reset
          </button>
        )}
        {total === 0 && <span class="error">at least one weight must be above 0</span>}
        {message && (
          <span class={message.error ? 'error' : 'ok'} role="status">
            {message.text}
          </span>
        )}
      </div>
    </section>
  );
}
