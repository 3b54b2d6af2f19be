/**
 * `youmeet healthcheck`: GET /healthz on the configured port (Docker's HEALTHCHECK).
 * Returns the exit code: 0 healthy, 1 otherwise.
 */
export async function healthcheck(host: string, port: number, write: (line: string) => void): Promise<number> {
  // A server listening on every address is reachable on loopback.
  const target = host === "0.0.0.0" || host === "::" || host === "[::]" ? "127.0.0.1" : host;
  const hostPart = target.includes(":") && !target.startsWith("[") ? `[${target}]` : target;
  const url = `http://${hostPart}:${port}/healthz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    if (response.ok) {
      write(`healthy: ${url} answered ${response.status}`);
      return 0;
    }
    write(`unhealthy: ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
    return 1;
  } catch (error) {
    write(`unhealthy: ${url} did not answer (${error instanceof Error ? error.message : String(error)})`);
    return 1;
  }
}
