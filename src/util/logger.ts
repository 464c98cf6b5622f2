// The process-wide structured logger (pino, JSON lines on stdout).

import { pino, type Logger } from 'pino';

export function createLogger(name: string, level = process.env.SWITCHYARD_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, base: { pid: process.pid } });
}
