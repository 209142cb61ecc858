// Stops the embedded PostgreSQL that globalSetup started (if it did), so Jest exits by itself.
export default async function globalTeardown() {
  await globalThis.__GGZY_STOP_EMBEDDED_POSTGRES__?.();
}
