// Writes access log lines to files or stdout/stderr; one append stream per path, shared by every listener.
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import type { AccessLogConfig } from '../config/listener-types.ts';
import type { Downstream } from '../http/downstream.ts';
import type { RequestInfo } from '../http/request-info.ts';
import { compileAccessLogFormat } from './access-log-format.ts';
import type { AccessLogRenderer } from './access-log-format.ts';

export class AccessLogSinks {
  readonly #streams = new Map<string, Writable>();

  stream(path: string): Writable {
    let s = this.#streams.get(path);
    if (!s) {
      if (path === '/dev/stdout') s = process.stdout;
      else if (path === '/dev/stderr') s = process.stderr;
      else {
        const file = createWriteStream(path, { flags: 'a' });
        file.on('error', (cause) => process.emitWarning(new Error(`access log ${path} failed`, { cause })));
        s = file;
      }
      this.#streams.set(path, s);
    }
    return s;
  }

  async close(): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [path, s] of this.#streams) {
      if (path === '/dev/stdout' || path === '/dev/stderr') continue;
      closing.push(new Promise((resolve) => s.end(resolve)));
    }
    this.#streams.clear();
    await Promise.all(closing);
  }
}

/** The access logs of one connection manager, compiled once per config. */
export class AccessLogger {
  readonly #targets: readonly { readonly render: AccessLogRenderer; readonly out: Writable }[];

  constructor(configs: readonly AccessLogConfig[], sinks: AccessLogSinks) {
    this.#targets = configs.map((c) => ({
      render: compileAccessLogFormat(c.format),
      out: sinks.stream(c.path),
    }));
  }

  get empty(): boolean {
    return this.#targets.length === 0;
  }

  log(ds: Downstream, info: RequestInfo): void {
    for (const t of this.#targets) t.out.write(t.render(ds, info));
  }
}
