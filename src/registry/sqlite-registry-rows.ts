// Prepared statements for the registry tables and the mapping between their rows and registry values.

import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { Instance, InstanceHealth, Namespace, Service } from './registry-model.ts';

type Row = Record<string, unknown>;

export class RegistryStatements {
  readonly getNamespace: StatementSync;
  readonly listNamespaces: StatementSync;
  readonly insertNamespace: StatementSync;
  readonly deleteNamespace: StatementSync;
  readonly countServices: StatementSync;
  readonly getService: StatementSync;
  readonly listServices: StatementSync;
  readonly insertService: StatementSync;
  readonly deleteService: StatementSync;
  readonly countInstances: StatementSync;
  readonly getInstance: StatementSync;
  readonly listInstances: StatementSync;
  readonly upsertInstance: StatementSync;
  readonly deleteInstance: StatementSync;

  constructor(db: DatabaseSync) {
    this.getNamespace = db.prepare('SELECT * FROM namespaces WHERE name = ?');
    this.listNamespaces = db.prepare('SELECT * FROM namespaces ORDER BY name');
    this.insertNamespace = db.prepare('INSERT INTO namespaces (name, created_at_ms) VALUES (?, ?)');
    this.deleteNamespace = db.prepare('DELETE FROM namespaces WHERE name = ?');
    this.countServices = db.prepare('SELECT count(*) AS n FROM services WHERE namespace = ?');
    this.getService = db.prepare('SELECT * FROM services WHERE namespace = ? AND name = ?');
    this.listServices = db.prepare('SELECT * FROM services WHERE namespace = ? ORDER BY name');
    this.insertService = db.prepare('INSERT INTO services (namespace, name, created_at_ms) VALUES (?, ?, ?)');
    this.deleteService = db.prepare('DELETE FROM services WHERE namespace = ? AND name = ?');
    this.countInstances = db.prepare(
      'SELECT count(*) AS n FROM instances WHERE namespace = ? AND service = ?',
    );
    this.getInstance = db.prepare('SELECT * FROM instances WHERE namespace = ? AND service = ? AND id = ?');
    this.listInstances = db.prepare(
      'SELECT * FROM instances WHERE namespace = ? AND service = ? ORDER BY id',
    );
    this.upsertInstance = db.prepare(
      `INSERT OR REPLACE INTO instances
         (namespace, service, id, address, port, attributes, health, registered_at_ms, last_heartbeat_ms)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.deleteInstance = db.prepare('DELETE FROM instances WHERE namespace = ? AND service = ? AND id = ?');
  }
}

export function namespaceFromRow(row: Row): Namespace {
  return { name: String(row['name']), createdAtMs: Number(row['created_at_ms']) };
}

export function serviceFromRow(row: Row): Service {
  return {
    namespaceName: String(row['namespace']),
    name: String(row['name']),
    createdAtMs: Number(row['created_at_ms']),
  };
}

export function instanceFromRow(row: Row): Instance {
  return {
    namespaceName: String(row['namespace']),
    serviceName: String(row['service']),
    instanceId: String(row['id']),
    address: String(row['address']),
    port: Number(row['port']),
    attributes: JSON.parse(String(row['attributes'])) as Record<string, string>,
    health: String(row['health']) as InstanceHealth,
    registeredAtMs: Number(row['registered_at_ms']),
    lastHeartbeatMs: Number(row['last_heartbeat_ms']),
  };
}

export function instanceToParams(instance: Instance): (string | number)[] {
  return [
    instance.namespaceName,
    instance.serviceName,
    instance.instanceId,
    instance.address,
    instance.port,
    JSON.stringify(instance.attributes),
    instance.health,
    instance.registeredAtMs,
    instance.lastHeartbeatMs,
  ];
}
