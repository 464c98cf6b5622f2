// The credentials form: an access key and secret kept in this tab's sessionStorage, used to sign API calls.

import { useState } from 'preact/hooks';
import { storeCredentials, storedCredentials, type ConsoleConfig } from './api-client.ts';

export function CredentialsBar({ config }: { config: ConsoleConfig | undefined }) {
  const [current, setCurrent] = useState(storedCredentials());
  const [open, setOpen] = useState(false);
  const [accessKeyId, setAccessKeyId] = useState('');
  const [secretAccessKey, setSecretAccessKey] = useState('');
  const save = (event: Event) => {
    event.preventDefault();
    const credentials = { accessKeyId: accessKeyId.trim(), secretAccessKey };
    storeCredentials(credentials);
    setCurrent(credentials);
    setSecretAccessKey('');
    setOpen(false);
    // Every page reads again with the new key.
    location.reload();
  };
  const forget = () => {
    storeCredentials(undefined);
    setCurrent(undefined);
    location.reload();
  };
  const needed = config?.authentication === true && current === undefined;
  return (
    <div class="credentials">
      {current ? (
        <span>
          signing as <code>{current.accessKeyId}</code>{' '}
          <button type="button" class="secondary" onClick={forget}>
            forget
          </button>
        </span>
      ) : (
        <span class={needed ? 'error' : 'muted'}>
          {needed ? 'this control plane requires a signed request: ' : config ? 'authentication off ' : ''}
          <button type="button" class="secondary" onClick={() => setOpen(!open)}>
            credentials
          </button>
        </span>
      )}
      {open && (
        <form class="credentials-form" onSubmit={save}>
          <label>
            access key id
            <input
              name="accessKeyId"
              autocomplete="off"
              value={accessKeyId}
              onInput={(event) => setAccessKeyId((event.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <label>
            secret access key
            <input
              name="secretAccessKey"
              type="password"
              autocomplete="off"
              value={secretAccessKey}
              onInput={(event) => setSecretAccessKey((event.currentTarget as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" disabled={accessKeyId.trim() === '' || secretAccessKey === ''}>
            use
          </button>
          <span class="muted">kept in this tab only (sessionStorage), region {config?.region ?? '…'}</span>
        </form>
      )}
    </div>
  );
}
