// The protobufjs Root holding every Envoy v3 message we encode or decode, loaded once per process on first use.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import protobuf from 'protobufjs';
import { envoyProtoFiles, protoIncludeDirs } from './proto-files.ts';

let cachedRoot: protobuf.Root | undefined;

/** Options matching the generated types: snake_case keys, 64-bit ints and enums as strings, defaults, oneof names. */
export const toObjectOptions: protobuf.IConversionOptions = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

function registerDescriptorProto(): void {
  // validate/udpa annotations import descriptor.proto, which protobufjs ships as JSON but does not preload.
  const require = createRequire(import.meta.url);
  const descriptor = require('protobufjs/google/protobuf/descriptor.json') as {
    nested: { google: { nested: { protobuf: { nested: protobuf.INamespace['nested'] } } } };
  };
  protobuf.common('descriptor', descriptor.nested.google.nested.protobuf.nested ?? {});
}

function loadRoot(): protobuf.Root {
  registerDescriptorProto();
  const dirs = protoIncludeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (origin, target) => {
    if (path.isAbsolute(target)) return target;
    for (const dir of dirs) {
      const candidate = path.join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    // Well-known google/protobuf files are bundled in protobufjs and resolved by their bare name.
    return target;
  };
  root.loadSync([...envoyProtoFiles], { keepCase: true });
  root.resolveAll();
  return root;
}

/** The shared Root; the first call parses the protos (~100 ms), later calls are free. */
export function envoyRoot(): protobuf.Root {
  cachedRoot ??= loadRoot();
  return cachedRoot;
}

/** Looks up a message type by its fully-qualified name, failing clearly when it was not loaded. */
export function messageType(fullName: string): protobuf.Type {
  try {
    return envoyRoot().lookupType(fullName);
  } catch (cause) {
    throw new Error(`protobuf message type ${fullName} is not loaded`, { cause });
  }
}
