// Sends grpc-js's own log lines (it writes `E No address added...` straight to stderr) through our logger.

import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';

/**
 * grpc-js reports failures we already turn into our own errors (a taken port, a dropped stream), so its lines
 * are details for whoever debugs: they go to `logger` at debug level, never to stderr on their own.
 */
export function routeGrpcLogs(logger: Logger): void {
  const grpcLogger = logger.child({ component: 'grpc-js' });
  const write = (...args: unknown[]) => grpcLogger.debug(args.map(String).join(' '));
  grpc.setLogger({ error: write, info: write, debug: write });
  // Below debug our logger would drop them anyway: then grpc-js need not even format them.
  grpc.setLogVerbosity(logger.isLevelEnabled('debug') ? grpc.logVerbosity.DEBUG : grpc.logVerbosity.NONE);
}
