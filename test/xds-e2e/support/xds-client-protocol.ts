// Messages between a test and the worker thread that hosts its grpc-js-xds channel.
import type * as grpc from '@grpc/grpc-js';

export interface WorkerSetup {
  readonly target: string;
}

export type CallResult =
  | { readonly ok: true; readonly backend: string }
  | { readonly ok: false; readonly code: grpc.status; readonly details: string };

export interface CallOptions {
  readonly metadata?: Readonly<Record<string, string>>;
  readonly deadlineMs?: number;
}

export type WorkerRequest =
  | { readonly id: number; readonly op: 'call'; readonly options: CallOptions }
  | {
      readonly id: number;
      readonly op: 'tally';
      readonly count: number;
      readonly options: CallOptions;
      readonly concurrency: number;
    };

export interface WorkerAnswer {
  readonly id: number;
  readonly result: unknown;
}
