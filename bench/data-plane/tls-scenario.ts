// HTTP/1.1 with TLS, measured alternately in one run beside plaintext: the mesh path with mutual TLS from the
// built-in CA (client sidecar → mTLS → server sidecar → app) next to the plaintext mesh path, and one hop that
// terminates TLS from the load generator (`hop-tls`, file certificate) next to HAProxy terminating TLS with the
// same EC P-256 key. Then new-connection runs (`Connection: close`, one handshake per request) give handshakes/s.

import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ScenarioContext, ScenarioOutcome } from '../harness/scenario.ts';
import { freePorts } from '../../test/support/free-ports.ts';
import { runAlternating } from './alternating-runs.ts';
import { serviceAuthority, tlsServiceAuthority, type CertificateFiles } from './bench-mesh.ts';
import { planCpus } from './cpu-pinning.ts';
import { dataPlanePlan } from './data-plane-plan.ts';
import { startHaproxy } from './haproxy-process.ts';
import { httpSubject, waitUntilServing } from './http1-scenario.ts';
import { MeshRig } from './mesh-rig.ts';
import { runWrk } from './wrk-run.ts';
import { percentile } from '../harness/stats.ts';

const run = promisify(execFile);

/** A self-signed EC P-256 certificate for the TLS-terminating hops, and the one-file form HAProxy reads. */
async function hopCertificate(dir: string): Promise<CertificateFiles & { haproxyPem: string }> {
  const certificateChain = path.join(dir, 'hop-tls.crt');
  const privateKey = path.join(dir, 'hop-tls.key');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=hop-tls.bench.local',
    '-keyout',
    privateKey,
    '-out',
    certificateChain,
  ]);
  await chmod(privateKey, 0o600);
  const haproxyPem = path.join(dir, 'hop-tls.haproxy.pem');
  const both = (await readFile(certificateChain, 'utf8')) + (await readFile(privateKey, 'utf8'));
  await writeFile(haproxyPem, both, { mode: 0o600 });
  return { certificateChain, privateKey, haproxyPem };
}

export async function runTlsScenario(ctx: ScenarioContext): Promise<ScenarioOutcome> {
  const plan = dataPlanePlan(ctx.options.mode);
  const cpus = planCpus();
  const cert = await hopCertificate(ctx.workDir);
  const rig = await MeshRig.start(
    ctx,
    'http',
    cpus,
    ['server', 'client', 'hop-tls', 'server-tls', 'client-tls'],
    { certificateChain: cert.certificateChain, privateKey: cert.privateKey },
  );
  try {
    const [haproxyPort] = (await freePorts(1)) as [number];
    const haproxy = await startHaproxy(
      ctx.workDir,
      haproxyPort,
      rig.upstreamPort,
      cpus.proxy,
      cert.haproxyPem,
    );
    rig.onStop(() => haproxy.stop());
    const client = rig.sidecar('client');
    const server = rig.sidecar('server');
    const clientTls = rig.sidecar('client-tls');
    const serverTls = rig.sidecar('server-tls');
    const hopTls = rig.sidecar('hop-tls');
    const local = (port: number): string => `127.0.0.1:${port}`;
    const subjects = [
      httpSubject('direct', rig.upstreamPort, local(rig.upstreamPort), [], plan, cpus),
      httpSubject('meshPath', client.outboundPort, serviceAuthority, [client.pid, server.pid], plan, cpus),
      httpSubject(
        'meshPathMtls',
        clientTls.outboundPort,
        tlsServiceAuthority,
        [clientTls.pid, serverTls.pid],
        plan,
        cpus,
      ),
      httpSubject('oneHopTls', hopTls.inboundPort, local(hopTls.inboundPort), [hopTls.pid], plan, cpus, true),
      httpSubject('haproxyTls', haproxy.port, local(haproxy.port), [haproxy.pid], plan, cpus, true),
    ];
    await waitUntilServing('direct', rig.upstreamPort, local(rig.upstreamPort));
    await waitUntilServing('mesh path', client.outboundPort, serviceAuthority);
    await waitUntilServing('mTLS mesh path', clientTls.outboundPort, tlsServiceAuthority);
    ctx.progress(
      `every plaintext path answers (the TLS hops are checked by their first run); ${cpus.description}`,
    );
    const outcome = await runAlternating(subjects, plan, '', ctx.progress);
    const metrics = { ...outcome.metrics };

    // Handshakes per second: a new TLS connection per request, alternating the two TLS terminators.
    const handshakes: Record<'oneHopTls' | 'haproxyTls', number[]> = { oneHopTls: [], haproxyTls: [] };
    const errors: string[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      for (const [name, port] of [
        ['oneHopTls', hopTls.inboundPort],
        ['haproxyTls', haproxy.port],
      ] as const) {
        const r = await runWrk({
          port,
          host: local(port),
          seconds: plan.saturationSec,
          connections: Math.min(plan.connections, 16),
          cpu: cpus.load,
          tls: true,
          newConnectionEachRequest: true,
        });
        handshakes[name].push(r.requestsPerSec);
        if (r.errors > 0) errors.push(`${name}: ${r.errors} errors in a handshake run`);
        ctx.progress(`handshakes ${name} round ${round + 1}: ${Math.round(r.requestsPerSec)}/s`);
      }
    }
    for (const name of ['oneHopTls', 'haproxyTls'] as const)
      metrics[`${name}.handshakesPerSec`] = {
        value: percentile(
          [...handshakes[name]].sort((a, b) => a - b),
          50,
        ),
        unit: 'handshakes/s',
      };
    const notes = [...outcome.notes, ...errors];
    return {
      metrics,
      parameters: {
        configurations: subjects.map((s) => s.name),
        responseBytes: 1024,
        rateRps: plan.rate,
        rounds: plan.rounds,
        key: 'EC P-256 everywhere (built-in CA identities, the hop-tls file certificate, HAProxy)',
        meshPathMtls:
          'client-tls sidecar outbound → mTLS (built-in CA identities over SDS) → server-tls sidecar inbound → app',
        oneHopTls: 'wrk https → hop-tls sidecar inbound (TLS terminated, file certificate) → app',
        haproxyTls: 'wrk https → HAProxy (one thread, ssl crt with the same key) → app',
        handshakes: 'wrk https with Connection: close: one TLS handshake per request',
      },
      note: notes.length > 0 ? notes.join(' | ') : undefined,
    };
  } finally {
    await rig.stop();
  }
}
