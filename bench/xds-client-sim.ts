// Child process of the benchmark: simulates many delta-xDS proxies over a few HTTP/2 connections and reports,
// over Node IPC, when each one has its initial config and when each one ACKed an armed route change.

import * as grpc from '@grpc/grpc-js';
import { adsServiceDefinition } from '../src/xds/protos/index.ts';
import { DeltaProxyStream, type StreamEvents } from './xds-sim/delta-proxy-stream.ts';
import type { ChildMessage, ParentMessage, SimStart } from './xds-sim/sim-protocol.ts';

const send = (message: ChildMessage): void => {
  process.send!(message);
};

if (!process.send) {
  process.stderr.write('xds-client-sim runs as a child of the benchmark (it talks over Node IPC)\n');
  process.exit(2);
}

const clients: grpc.Client[] = [];
const streams: DeltaProxyStream[] = [];
const failures: { nodeId: string; error: string }[] = [];
/** Per armed marker: epoch ms of each stream's ACK, and how many live streams were armed. */
const observed = new Map<number, { times: number[]; expected: number }>();
let readyReported = false;

function reportReady(): void {
  if (readyReported) return;
  readyReported = true;
  send({
    type: 'ready',
    initialConfigMs: streams.filter((s) => s.readyAtMs !== undefined).map((s) => s.readyAtMs! - s.openedAtMs),
    failures,
    connections: clients.length,
  });
}

function settled(): boolean {
  return streams.every((s) => s.readyAtMs !== undefined || s.ended);
}

const events: StreamEvents = {
  onReady: () => {
    if (settled()) reportReady();
  },
  onMarker: (_stream, marker, ackedAtMs) => {
    const entry = observed.get(marker);
    if (!entry) return;
    entry.times.push(ackedAtMs);
    if (entry.times.length === entry.expected)
      send({ type: 'observed', marker, ackedAtMs: entry.times, missing: 0 });
  },
  onEnd: (stream, error) => {
    if (stream.readyAtMs === undefined) failures.push({ nodeId: stream.nodeId, error });
    if (settled()) reportReady();
  },
};

function start(config: SimStart): void {
  const Ctor = grpc.makeGenericClientConstructor(
    adsServiceDefinition() as unknown as grpc.ServiceDefinition,
    'AggregatedDiscoveryService',
  );
  for (const [i, nodeId] of config.nodeIds.entries()) {
    if (i % config.streamsPerConnection === 0) {
      // A private subchannel pool per client object: each is its own TCP connection.
      clients.push(
        new Ctor(`${config.xdsHost}:${config.xdsPort}`, grpc.credentials.createInsecure(), {
          'grpc.use_local_subchannel_pool': 1,
          'grpc.max_receive_message_length': 64 * 1024 * 1024,
        }),
      );
    }
    streams.push(new DeltaProxyStream(clients.at(-1)!, nodeId, events));
  }
  setTimeout(() => {
    for (const s of streams)
      if (s.readyAtMs === undefined && !s.ended) {
        failures.push({
          nodeId: s.nodeId,
          error: `no full initial config within ${config.readyTimeoutMs} ms`,
        });
        s.close();
      }
    reportReady();
  }, config.readyTimeoutMs).unref();
}

process.on('message', (message: ParentMessage) => {
  switch (message.type) {
    case 'start':
      start(message);
      break;
    case 'arm': {
      const live = streams.filter((s) => !s.ended);
      observed.set(message.marker, { times: [], expected: live.length });
      for (const s of live) s.arm(message.marker);
      send({ type: 'armed', marker: message.marker });
      break;
    }
    case 'collect': {
      const entry = observed.get(message.marker) ?? { times: [], expected: 0 };
      send({
        type: 'observed',
        marker: message.marker,
        ackedAtMs: entry.times,
        missing: entry.expected - entry.times.length,
      });
      break;
    }
    case 'close':
      for (const s of streams) s.close();
      for (const c of clients) c.close();
      process.disconnect();
      break;
  }
});
