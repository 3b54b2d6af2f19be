import type { Subprocess } from "bun";

/** Runs a command to completion and returns its exit code and output. */
export async function run(cmd: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  const proc = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { code, stdout, stderr };
}

/** A started server process and the base URL it logged. */
export interface RunningServer {
  proc: Subprocess<"ignore", "pipe", "pipe">;
  baseUrl: string;
  lines: string[];
}

/**
 * Starts `cmd` (a youmeet serve with --port 0 and --log-format json) and waits for its
 * server_started log line, which carries the port it bound.
 */
export async function startServer(cmd: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const proc = Bun.spawn(cmd, {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...options.env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const lines: string[] = [];
  const decoder = new TextDecoder();
  const reader = proc.stderr.getReader();
  let buffered = "";
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let newline: number;
    while ((newline = buffered.indexOf("\n")) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      lines.push(line);
      if (line.includes('"server_started"')) {
        const baseUrl = JSON.parse(line).url as string;
        // Keep draining stderr so the child never blocks on a full pipe.
        void (async () => {
          for (;;) {
            const next = await reader.read().catch(() => ({ done: true, value: undefined }));
            if (next.done) return;
            lines.push(...decoder.decode(next.value).split("\n").filter(Boolean));
          }
        })();
        return { proc, baseUrl, lines };
      }
    }
  }
  proc.kill();
  throw new Error(`server did not start: ${lines.join("\n")}`);
}
