import { EnvReader } from './env-reader';
import { statePath } from './state-paths';

/**
 * How a client proves itself to Kafka: TLS against the local CA plus SASL/SCRAM-SHA-512 as one
 * principal (infra/lib/kafka-security.sh creates them and their ACLs). Paths, not secrets: the
 * password is read when the client is built (a missing file fails the boot there), so it never
 * sits in a config object that may be logged.
 */
export type KafkaSecurityConfig =
  | { protocol: 'plaintext' }
  | {
      protocol: 'sasl_ssl';
      /** the SCRAM principal (gateway, writer, collector, admin) */
      username: string;
      /** a file holding only the password (0600) */
      passwordFile: string;
      /** PEM CA certificate(s) the broker's certificate must chain to */
      caFile: string;
    };

const PROTOCOLS = ['sasl_ssl', 'plaintext'] as const;

/** KAFKA_SECURITY (sasl_ssl), KAFKA_USERNAME (`principal`), KAFKA_PASSWORD_FILE, KAFKA_CA_FILE. */
export function readKafkaSecurity(env: EnvReader, principal: string): KafkaSecurityConfig {
  const protocol = env.string('KAFKA_SECURITY', 'sasl_ssl').toLowerCase();
  if (!PROTOCOLS.includes(protocol as (typeof PROTOCOLS)[number])) {
    env.problem(`KAFKA_SECURITY=${JSON.stringify(protocol)}: must be one of ${PROTOCOLS.join(', ')}`);
  }
  if (protocol === 'plaintext') return { protocol };
  const username = env.string('KAFKA_USERNAME', principal);
  return {
    protocol: 'sasl_ssl',
    username,
    passwordFile: env.string('KAFKA_PASSWORD_FILE', statePath(env, 'secrets', `kafka-${username}.password`)),
    caFile: env.string('KAFKA_CA_FILE', statePath(env, 'tls', 'ca.crt')),
  };
}
