// Turns the KIND word users type (`vn`, `virtual-nodes`, `VirtualNode`) into a resource kind.

import { kindNames, kinds, type KindName } from '../model/resource-kinds.ts';
import { CliError } from './cli-error.ts';

const shortAliases: Readonly<Record<string, KindName>> = {
  vs: 'virtualService',
  vn: 'virtualNode',
  vr: 'virtualRouter',
  vg: 'virtualGateway',
  gr: 'gatewayRoute',
  rt: 'route',
};

const canonical = (word: string): string => word.toLowerCase().replace(/[-_]/g, '');

const byWord = new Map<string, KindName>();
for (const kind of kindNames) {
  const noun = canonical(kinds[kind].cliNoun);
  byWord.set(noun, kind);
  byWord.set(noun.endsWith('h') ? `${noun}es` : `${noun}s`, kind);
}
for (const [alias, kind] of Object.entries(shortAliases)) byWord.set(alias, kind);

/** Every kind a user can name, as help text: `mesh, virtual-service (vs), ...`. */
export function kindList(): string {
  return kindNames
    .map((kind) => {
      const aliases = Object.keys(shortAliases).filter((alias) => shortAliases[alias] === kind);
      return aliases.length === 0 ? kinds[kind].cliNoun : `${kinds[kind].cliNoun} (${aliases.join(', ')})`;
    })
    .join(', ');
}

export function parseKindNoun(word: string): KindName {
  const kind = byWord.get(canonical(word));
  if (kind) return kind;
  throw new CliError(`unknown resource kind ${JSON.stringify(word)}`, {
    hint: `use one of ${kindNames.map((k) => kinds[k].cliNoun).join(', ')} (or vs, vn, vr, vg, gr)`,
  });
}
