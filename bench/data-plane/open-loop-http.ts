// Child script: an open-loop HTTP/1.1 load generator. Requests start at fixed intervals whatever the answers do,
// over a pool of keep-alive connections that grows when all are busy; latency is measured from each request's
// scheduled start, so a slow answer cannot hide the requests queued behind it (no coordinated omission).
// Argument: {"port", "host", "rate", "warmupMs", "durationMs", "maxConnections", "tls"?}; prints the measuring marker when the
// warm-up ends, then one LoadResult line.

import net from 'node:net';
import tls from 'node:tls';
import { measuringMarker, runSchedule, type LoadResult } from './load-result.ts';
import { MeasuredWindow } from './measured-window.ts';

interface Config {
  readonly port: number;
  readonly host: string;
  readonly rate: number;
  readonly warmupMs: number;
  readonly durationMs: number;
  readonly maxConnections: number;
  /** Speak TLS (certificate not checked: the benchmark measures cost, not trust). */
  readonly tls?: boolean;
}

const config = JSON.parse(process.argv[2]!) as Config;
const request = Buffer.from(`GET / HTTP/1.1\r\nhost: ${config.host}\r\nuser-agent: switchyard-bench\r\n\r\n`);
const warmCount = Math.round((config.rate * config.warmupMs) / 1000);
const total = warmCount + Math.round((config.rate * config.durationMs) / 1000);
const measured = new MeasuredWindow(total - warmCount);
const errorSamples: string[] = [];
let errors = 0;
let finished = 0;
let connections = 0;
let windowStart = 0;
let windowEnd = 0;

interface Job {
  readonly scheduledAt: number;
  readonly measured: boolean;
}

class Connection {
  readonly socket: net.Socket;
  job: Job | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #bodyLeft = -1;
  #status = 0;

  constructor() {
    connections++;
    this.socket = config.tls
      ? tls.connect({ port: config.port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect(config.port, '127.0.0.1');
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.socket.on('error', (error) => this.#fail(error.message));
    this.socket.on('close', () => this.#fail('connection closed'));
  }

  send(job: Job): void {
    this.job = job;
    this.#status = 0;
    this.#bodyLeft = -1;
    this.socket.write(request);
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    if (this.#bodyLeft < 0) {
      const end = this.#buffer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.#buffer.toString('latin1', 0, end);
      this.#status = Number(head.slice(9, 12));
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      if (!length) {
        this.#fail(`answer without content-length (status ${this.#status})`);
        this.socket.destroy();
        return;
      }
      this.#bodyLeft = Number(length[1]);
      this.#buffer = this.#buffer.subarray(end + 4);
    }
    if (this.#buffer.length < this.#bodyLeft) return;
    this.#buffer = this.#buffer.subarray(this.#bodyLeft);
    const job = this.job!;
    this.job = undefined;
    if (this.#status >= 200 && this.#status < 300) complete(job, performance.now());
    else failed(job, `status ${this.#status}`);
    release(this);
  }

  #fail(message: string): void {
    const job = this.job;
    this.job = undefined;
    dead(this);
    if (job) failed(job, message);
  }
}

const idle: Connection[] = [];
const all = new Set<Connection>();
const queue: Job[] = [];

function complete(job: Job, at: number): void {
  finished++;
  if (job.measured) measured.completed(at - job.scheduledAt);
  maybeDone();
}

function failed(job: Job, message: string): void {
  finished++;
  if (!job.measured) return maybeDone();
  errors++;
  if (errorSamples.length < 5) errorSamples.push(message);
  maybeDone();
}

function release(conn: Connection): void {
  const waiting = queue.shift();
  if (waiting) conn.send(waiting);
  else idle.push(conn);
}

function dead(conn: Connection): void {
  all.delete(conn);
  const i = idle.indexOf(conn);
  if (i >= 0) idle.splice(i, 1);
}

function dispatch(job: Job): void {
  const conn = idle.pop();
  if (conn) return conn.send(job);
  if (all.size < config.maxConnections) {
    const fresh = new Connection();
    all.add(fresh);
    return fresh.send(job);
  }
  queue.push(job);
}

let scheduleDone = false;
let reported = false;

function maybeDone(): void {
  if (!scheduleDone || finished < total || reported) return;
  report();
}

function report(): void {
  reported = true;
  const result: LoadResult = {
    latenciesMs: measured.latenciesMs(),
    completed: measured.completedCount,
    errors: errors + (total - finished),
    errorSamples: total > finished ? [...errorSamples, `${total - finished} unanswered`] : errorSamples,
    seconds: (windowEnd - windowStart) / 1000,
    connections,
    maxStartLagMs: measured.maxStartLagMs,
    lateStarts: measured.lateStarts,
  };
  for (const conn of all) conn.socket.destroy();
  // Exit only once the line is out: a result of tens of thousands of samples is larger than a pipe's buffer.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

runSchedule(
  config.rate,
  total,
  (scheduledAt, index, firedAt) => {
    if (index === warmCount) {
      windowStart = scheduledAt;
      process.stdout.write(`${JSON.stringify(measuringMarker)}\n`);
    }
    if (index >= warmCount) measured.started(scheduledAt, firedAt);
    dispatch({ scheduledAt, measured: index >= warmCount });
  },
  () => {
    scheduleDone = true;
    windowEnd = performance.now();
    // Anything still unanswered 10 s after the last start counts as failed.
    setTimeout(report, 10_000).unref();
    maybeDone();
  },
);
