// A walkthrough run on this machine as its README describes: the control plane, `switchyard apply -f` of its
// CLI input (ports moved to free ones), a colorteller app and a sidecar per virtual node, and the gateway.
import { freePorts } from '../../support/free-ports.ts';
import { startColorteller, type Colorteller } from '../../../examples/walkthroughs/colorteller.ts';
import { applyDocuments } from './apply-file.ts';
import { startGatewayHarness, type GatewayHarness, type GatewayProcess } from './gateway-harness.ts';
import { boundPorts, cliInput, kindOf, remapPorts, type CliInput } from './walkthrough-files.ts';

export interface WalkthroughRun {
  readonly h: GatewayHarness;
  readonly meshName: string;
  readonly gateway: GatewayProcess;
  /** Where the gateway's (first) listener ended up. */
  readonly gatewayPort: number;
  /** Applies a later step of the walkthrough (`steps/….json`), its ports moved like the mesh's. */
  applyStep(file: string): Promise<string>;
  close(): Promise<void>;
}

function colorOf(doc: CliInput): string {
  const discovery = (doc.spec as { serviceDiscovery?: { awsCloudMap?: { serviceName: string } } })
    .serviceDiscovery;
  const service = discovery?.awsCloudMap?.serviceName ?? String(doc.virtualNodeName);
  return service.replace(/^colorteller-/, '');
}

export async function runWalkthrough(name: string): Promise<WalkthroughRun> {
  const h = await startGatewayHarness();
  const tellers: Colorteller[] = [];
  try {
    const docs = cliInput(name);
    const ports = boundPorts(docs);
    const free = await freePorts(ports.length);
    const map = new Map(ports.map((p, i) => [p, free[i]!]));
    await applyDocuments(h.mesh.cp.endpoint, remapPorts(docs, map));
    const meshName = docs.find((d) => kindOf(d) === 'mesh')!.meshName;
    const nodes = remapPorts(docs, map).filter((d) => kindOf(d) === 'virtualNode');
    for (const node of nodes) {
      const port = (node.spec as { listeners: { portMapping: { port: number } }[] }).listeners[0]!.portMapping
        .port;
      tellers.push(await startColorteller(colorOf(node), port));
    }
    await Promise.all(
      nodes.map((n) => h.mesh.sidecar(`mesh/${meshName}/virtualNode/${String(n.virtualNodeName)}`)),
    );
    const gatewayDoc = remapPorts(docs, map).find((d) => kindOf(d) === 'virtualGateway')!;
    const gateway = await h.gateway(meshName, String(gatewayDoc.virtualGatewayName));
    const gatewayPort = (gatewayDoc.spec as { listeners: { portMapping: { port: number } }[] }).listeners[0]!
      .portMapping.port;
    return {
      h,
      meshName,
      gateway,
      gatewayPort,
      applyStep: (file) => applyDocuments(h.mesh.cp.endpoint, remapPorts(cliInput(name, file), map)),
      async close() {
        await h.close();
        await Promise.all(tellers.map((t) => t.close()));
      },
    };
  } catch (error) {
    await h.close();
    await Promise.all(tellers.map((t) => t.close()));
    throw error;
  }
}
