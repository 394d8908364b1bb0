/**
 * The one translation of lendbridge's Temporal settings into SDK connection options. The API's
 * `Connection` (@temporalio/client) and the worker's `NativeConnection` (@temporalio/worker) take
 * the same `address`, `tls` and `apiKey` options, so both connect from this and cannot drift.
 */
import { type TemporalConfig } from '#config';

/** TLS options in the shape both SDK connection kinds accept (their `TLSConfig`). */
export interface TemporalTlsOptions {
  serverNameOverride?: string;
  serverRootCACertificate?: Buffer;
  clientCertPair?: { crt: Buffer; key: Buffer };
}

/** Assignable to both `ConnectionOptions` and `NativeConnectionOptions`. */
export interface TemporalConnectionOptions {
  address: string;
  /** Absent: plaintext. `{}`: TLS checked against the system's trusted roots. */
  tls?: TemporalTlsOptions;
  apiKey?: string;
}

export function temporalConnectionOptions(
  temporal: Pick<TemporalConfig, 'address' | 'tls' | 'apiKey'>,
): TemporalConnectionOptions {
  const options: TemporalConnectionOptions = { address: temporal.address };
  // An API key always travels over TLS: the config says so, and hand-made settings get it too.
  if (temporal.tls || temporal.apiKey !== undefined) {
    const { serverName, caCertificate, clientCertificate } = temporal.tls ?? {};
    options.tls = {
      ...(serverName !== undefined ? { serverNameOverride: serverName } : {}),
      ...(caCertificate ? { serverRootCACertificate: caCertificate } : {}),
      ...(clientCertificate
        ? { clientCertPair: { crt: clientCertificate.certificate, key: clientCertificate.key } }
        : {}),
    };
  }
  if (temporal.apiKey !== undefined) options.apiKey = temporal.apiKey;
  return options;
}

/** How the connection is secured, for logs and health reports; never any key material. */
export function temporalTransport(temporal: Pick<TemporalConfig, 'tls' | 'apiKey'>): string {
  if (temporal.apiKey !== undefined) return 'TLS with API key';
  if (temporal.tls?.clientCertificate) return 'mTLS';
  return temporal.tls ? 'TLS' : 'plaintext';
}
