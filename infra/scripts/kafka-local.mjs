#!/usr/bin/env node
// A one-node Apache Kafka broker (KRaft: broker and controller in one JVM) on 127.0.0.1, for
// local runs, tests and CI. It resolves the broker's jars with Maven (infra/kafka/broker/pom.xml)
// into a cache folder outside the repository, formats the storage, starts the broker on a free
// port, waits until it answers, prints KAFKA_BROKERS=127.0.0.1:<port>, and runs in the
// foreground until SIGTERM or SIGINT, when it stops the broker cleanly.
//
//   npm run kafka:local                         a broker on a free port, its data in a temp folder
//   npm run kafka:local -- --port 9092          on that port
//   npm run kafka:local -- --data DIR           its data in DIR, kept at stop and reused at the next start
//   npm run kafka:local -- --exit-with-stdin    also stops when its standard input closes (a parent that died)
//   npm run kafka:local -- jars                 only resolves the jars; prints their folder
//
// JOURNEY_CACHE_DIR moves the cache (default: $XDG_CACHE_HOME/journey or ~/.cache/journey).
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import process from 'node:process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const POM = fileURLToPath(new URL('../kafka/broker/pom.xml', import.meta.url));
/** Resolving the jars the first time downloads about 45 MB; a slow mirror may take minutes. */
const RESOLVE_TIMEOUT_MS = 15 * 60_000;
/** A JVM starting on a loaded 2-core machine can take a minute before the broker answers. */
const START_TIMEOUT_MS = 5 * 60_000;
/** A controlled shutdown of one node takes seconds; past this the JVM is killed. */
const STOP_TIMEOUT_MS = 60_000;

function fail(message) {
  process.stderr.write(`kafka-local: ${message}\n`);
  process.exit(1);
}

function parseArgs(argv) {
  const options = { command: 'run', port: undefined, data: undefined, exitWithStdin: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === 'jars' || arg === 'run') options.command = arg;
    else if (arg === '--port') options.port = Number(argv[++i]);
    else if (arg === '--data') options.data = argv[++i];
    else if (arg === '--exit-with-stdin') options.exitWithStdin = true;
    else fail(`unknown argument ${arg}: see the head of infra/scripts/kafka-local.mjs`);
  }
  if (options.port !== undefined && !(Number.isInteger(options.port) && options.port > 0 && options.port < 65536)) fail('--port must be a TCP port (1-65535)');
  if (options.data === '') fail('--data must name a folder');
  return options;
}

/** Why the broker cannot run here (no Java 17+, no Maven), or undefined. */
function missingTools() {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (java.error) return 'no java on the PATH (the broker needs Java 17 or later)';
  const version = /version "(\d+)/.exec(java.stderr)?.[1];
  if (version !== undefined && Number(version) < 17) return `java ${version} is too old (the broker needs Java 17 or later)`;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error) return 'no mvn on the PATH (Maven resolves the broker jars)';
  return undefined;
}

/** The jars of the pom's Kafka version, resolved once into the cache; a changed pom resolves them again. */
function resolveJars() {
  const pom = readFileSync(POM, 'utf8');
  const version = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(pom)?.[1];
  if (!version) fail(`no <kafka.version> in ${POM}`);
  const cacheRoot = process.env.JOURNEY_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'journey');
  const folder = join(cacheRoot, `kafka-${version}`);
  const jars = join(folder, 'jars');
  const digest = createHash('sha256').update(pom).digest('hex');
  const marker = join(jars, 'pom.sha256');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === digest) return jars;

  // Resolved into a folder of its own, then renamed: two starts at once never see half a folder.
  mkdirSync(folder, { recursive: true });
  const staging = mkdtempSync(join(folder, 'jars-'));
  process.stderr.write(`kafka-local: resolving Kafka ${version} with Maven into ${jars}\n`);
  const mvn = spawnSync('mvn', ['-B', '-q', '-f', POM, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`], {
    encoding: 'utf8',
    timeout: RESOLVE_TIMEOUT_MS,
  });
  if (mvn.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    fail(`mvn dependency:copy-dependencies failed (${mvn.error?.message ?? `exit ${mvn.status}`}):\n${(mvn.stdout + mvn.stderr).slice(-4000)}`);
  }
  if (!readdirSync(staging).some((name) => name.startsWith('kafka_2.13-'))) fail(`Maven copied no kafka_2.13 jar into ${staging}`);
  writeFileSync(join(staging, 'pom.sha256'), digest);
  rmSync(jars, { recursive: true, force: true });
  try {
    renameSync(staging, jars);
  } catch (error) {
    // Another start renamed its copy first: that one serves.
    rmSync(staging, { recursive: true, force: true });
    if (!existsSync(marker)) throw error;
  }
  return jars;
}

/** A port nothing listens on now, on the loopback interface. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * The node's settings: every listener on 127.0.0.1 (the default listens on every interface),
 * the data in its folder (the default is /tmp/kafka-logs), and the internal topics at one
 * replica (the defaults want three brokers, and no group could commit an offset on one).
 */
function serverProperties({ port, controllerPort, logDir }) {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${logDir}`,
    'offsets.topic.replication.factor=1',
    // Fewer partitions than the default 50: a slow machine creates the offsets topic faster.
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=4',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'share.coordinator.state.topic.num.partitions=4',
    // A group's first member starts at once instead of waiting 3 s for others.
    'group.initial.rebalance.delay.ms=0',
    'num.network.threads=2',
    'num.io.threads=4',
    '',
  ].join('\n');
}

const LOG4J = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = info',
  'rootLogger.appenderRef.out.ref = out',
  'logger.kafka.name = kafka',
  'logger.kafka.level = warn',
  'logger.apache.name = org.apache.kafka',
  'logger.apache.level = warn',
  // Says when the broker has started and when it has shut down.
  'logger.server.name = kafka.server.KafkaRaftServer',
  'logger.server.level = info',
  '',
].join('\n');

function java(jars, mainClass, args, extra = []) {
  return ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', '-Djava.awt.headless=true', ...extra, '-cp', join(jars, '*'), mainClass, ...args];
}

/**
 * A KRaft cluster id: 16 random bytes in base64url, as Kafka makes them, and like Kafka's own
 * never starting with '-' (one id in 64 would), which the storage tool would take for an option.
 */
function newClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Formats the storage of a new data folder (KRaft needs a cluster id and a meta.properties first). */
function formatStorage(jars, folder, properties) {
  if (existsSync(join(folder, 'data', 'meta.properties'))) return;
  const clusterId = newClusterId();
  const format = spawnSync('java', java(jars, 'kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', properties, '--ignore-formatted'], [`-Dlog4j2.configurationFile=${join(folder, 'log4j2.properties')}`]), {
    encoding: 'utf8',
  });
  if (format.status !== 0) fail(`formatting the storage in ${folder} failed:\n${(format.stdout + format.stderr).slice(-4000)}`);
}

/** Whether a Kafka client can reach the broker and read its metadata. */
async function answers(brokers) {
  const { Kafka, logLevel } = (await import('kafkajs')).default;
  const admin = new Kafka({ clientId: 'kafka-local', brokers: [brokers], logLevel: logLevel.NOTHING, connectionTimeout: 3000, retry: { retries: 0 } }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return cluster.brokers.length > 0 && cluster.controller !== null;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').slice(-4000);
  } catch {
    return '';
  }
}

async function run(options) {
  const missing = missingTools();
  if (missing) fail(`cannot run a Kafka broker here: ${missing}`);
  const jars = resolveJars();
  const keep = options.data !== undefined;
  const folder = keep ? options.data : mkdtempSync(join(tmpdir(), 'journey-kafka-'));
  mkdirSync(folder, { recursive: true });
  const port = options.port ?? (await freePort());
  const controllerPort = await freePort();
  const properties = join(folder, 'server.properties');
  writeFileSync(properties, serverProperties({ port, controllerPort, logDir: join(folder, 'data') }));
  writeFileSync(join(folder, 'log4j2.properties'), LOG4J);
  formatStorage(jars, folder, properties);

  const logFile = join(folder, 'broker.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const broker = spawn('java', java(jars, 'kafka.Kafka', [properties], [`-Dlog4j2.configurationFile=${join(folder, 'log4j2.properties')}`]), {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  broker.stdout.pipe(log);
  broker.stderr.pipe(log);
  const exited = new Promise((resolve) => broker.once('exit', (code, signal) => resolve({ code, signal })));
  let stopping = false;

  const cleanUp = () => {
    if (!keep) rmSync(folder, { recursive: true, force: true });
  };
  const stop = async (reason) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`kafka-local: stopping the broker (${reason})\n`);
    broker.kill('SIGTERM');
    const result = await Promise.race([exited, sleep(STOP_TIMEOUT_MS).then(() => undefined)]);
    if (!result) {
      process.stderr.write(`kafka-local: the broker did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it\n`);
      broker.kill('SIGKILL');
      await exited;
    }
    cleanUp();
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => void stop(signal));
  if (options.exitWithStdin) {
    process.stdin.on('end', () => void stop('standard input closed'));
    process.stdin.on('error', () => void stop('standard input closed'));
    process.stdin.resume();
  }
  // A broker that dies by itself takes this process with it, saying why.
  void exited.then(({ code, signal }) => {
    if (stopping) return;
    process.stderr.write(`kafka-local: the broker exited (${signal ?? `code ${code}`}); its log ends:\n${tail(logFile)}\n`);
    cleanUp();
    process.exit(1);
  });

  const brokers = `127.0.0.1:${port}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answers(brokers))) {
    if (stopping) return;
    if (Date.now() > deadline) {
      process.stderr.write(`kafka-local: the broker did not answer on ${brokers} within ${START_TIMEOUT_MS / 1000} s; its log ends:\n${tail(logFile)}\n`);
      await stop('no answer');
      return;
    }
    await sleep(500);
  }
  process.stderr.write(`kafka-local: Kafka answers on ${brokers} (data in ${folder}${keep ? ', kept' : ''}; log in ${logFile}); Ctrl-C or SIGTERM stops it\n`);
  process.stdout.write(`KAFKA_BROKERS=${brokers}\n`);
}

const options = parseArgs(process.argv.slice(2));
if (options.command === 'jars') {
  const missing = missingTools();
  if (missing) fail(`cannot run a Kafka broker here: ${missing}`);
  process.stdout.write(`${resolveJars()}\n`);
} else {
  await run(options);
}
