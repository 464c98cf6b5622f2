// node:http and node:https for code that runs in the sidecar, loaded with require() rather than imported. An ESM
// import of a builtin reads every one of its exports, and node:http's lazy WebSocket, CloseEvent and MessageEvent
// exports then load Node's bundled undici and web streams: about 3 MB of heap in every sidecar, which uses none of
// them (and every major GC has to mark them).
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const http = require('node:http') as typeof Http;
export const https = require('node:https') as typeof Https;
