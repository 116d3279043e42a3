import { existsSync } from 'node:fs';

/** The image the contract suite starts when Docker runs (docker-compose's eventstore profile uses it too). */
export const KURRENTDB_IMAGE = 'kurrentplatform/kurrentdb:25.1';

/**
 * Where a KurrentDB for tests comes from: EVENTSTORE_URL, else a container when a Docker engine
 * looks reachable, else nowhere (the suites that need one skip with one line).
 */
export function kurrentSource(): 'url' | 'docker' | undefined {
  if (process.env.EVENTSTORE_URL) return 'url';
  if (process.env.DOCKER_HOST || existsSync('/var/run/docker.sock')) return 'docker';
  return undefined;
}

export interface KurrentServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** The server at EVENTSTORE_URL, or a fresh single node in a container. */
export async function startKurrent(): Promise<KurrentServer> {
  const url = process.env.EVENTSTORE_URL;
  if (url) return { url, stop: async () => undefined };
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer(KURRENTDB_IMAGE)
    .withEnvironment({ KURRENTDB_INSECURE: 'true', KURRENTDB_RUN_PROJECTIONS: 'None', KURRENTDB_MAX_APPEND_SIZE: '8388608' })
    .withExposedPorts(2113)
    .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300))
    .withStartupTimeout(300_000)
    .start();
  return {
    url: `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`,
    stop: async () => {
      await container.stop();
    },
  };
}
