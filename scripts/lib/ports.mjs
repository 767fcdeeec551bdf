// Free TCP ports, so nothing the scripts start depends on which ports this machine has busy.
import net from 'node:net';

/** A port nothing listens on right now (the OS picks it). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** `count` distinct free ports. */
export async function freePorts(count) {
  const ports = new Set();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** Polls `check` every second until it returns true, `timeoutMs` passes or `gaveUp()` is true. */
export async function waitFor(check, timeoutMs, gaveUp = () => false) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gaveUp()) {
    if (await check().catch(() => false)) return true;
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  return false;
}
