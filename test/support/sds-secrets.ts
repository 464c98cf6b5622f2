// Envoy SDS Secret resources and the TLS transport sockets that name them, as the control plane serves them, for
// tests that deliver certificates over xDS.
import { extensionTypeUrls, packAny, typeUrls, unpackAny } from '../../src/xds/protos/index.ts';
import type { Secret__Output } from '../../src/xds/protos/index.ts';

const sds = (name: string) => ({ name, sds_config: { ads: {}, resource_api_version: 'V3' } });

/** A `tls_certificate` secret holding a chain and its key inline. */
export function certificateSecret(name: string, pem: { certPem: string; keyPem: string }): Secret__Output {
  return unpackAny(
    packAny(typeUrls.secret, {
      name,
      tls_certificate: {
        certificate_chain: { inline_string: pem.certPem },
        private_key: { inline_string: pem.keyPem },
      },
    }),
  ) as Secret__Output;
}

/** A `validation_context` secret holding a trust bundle inline. */
export function validationSecret(name: string, trustedCaPem: string): Secret__Output {
  return unpackAny(
    packAny(typeUrls.secret, { name, validation_context: { trusted_ca: { inline_string: trustedCaPem } } }),
  ) as Secret__Output;
}

interface SdsTlsNames {
  /** SDS name of the certificate presented. */
  readonly certificate?: string;
  /** SDS name of the trust bundle peers are verified with. */
  readonly trust?: string;
}

function commonTlsContext(names: SdsTlsNames): object {
  return {
    tls_certificate_sds_secret_configs: names.certificate ? [sds(names.certificate)] : [],
    ...(names.trust ? { validation_context_sds_secret_config: sds(names.trust) } : {}),
  };
}

/** A cluster's `transport_socket`: UpstreamTlsContext naming its secrets by SDS. */
export function upstreamTlsSocket(names: SdsTlsNames & { readonly sni?: string }): object {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: packAny(extensionTypeUrls.upstreamTlsContext, {
      sni: names.sni ?? '',
      common_tls_context: commonTlsContext(names),
    }),
  };
}

/** A filter chain's `transport_socket`: DownstreamTlsContext naming its secrets by SDS. */
export function downstreamTlsSocket(names: SdsTlsNames): object {
  return {
    name: 'envoy.transport_sockets.tls',
    typed_config: packAny(extensionTypeUrls.downstreamTlsContext, {
      require_client_certificate: { value: names.trust !== undefined },
      common_tls_context: commonTlsContext(names),
    }),
  };
}
