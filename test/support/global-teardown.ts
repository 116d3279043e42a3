export default async function globalTeardown(): Promise<void> {
  const container = (globalThis as { __journeyContainer?: { stop(): Promise<unknown> } }).__journeyContainer;
  await container?.stop();
}
