/**
 * SFU forwarding bench: starts the real server (`bun src/main.ts serve`, dev login, a temp
 * data dir) pinned to CPU 0, and the load generator (bench/sfu-load.ts) pinned to CPU 1,
 * which joins synthetic werift publishers and subscribers through the real signaling. For
 * rising numbers of subscriber streams it prints forwarded packets/s, delivered %, the
 * server's CPU % and RSS, and CPU microseconds per forwarded packet.
 *
 *   bun bench/sfu.ts [--steps 50,100,150,200,250,300] [--publishers 5] [--window 10]
 *                    [--windows 3] [--server-root DIR]... [--runs 1] [--no-pin] [--profile DIR]
 *
 * With several --server-root (another checkout, e.g. the baseline), the ladder runs for each
 * in turn, --runs times, so that ratios come from one run on one machine state. --profile
 * writes the server's and the load generator's CPU profiles (Bun's markdown summary) into DIR.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cpuSeconds, loadAverage, rssMb, udpDrops } from "./proc.ts";
import type { LoadCommand, LoadSnapshot } from "./sfu-load.ts";

/** One call holds at most 25 people (src/main.ts); publishers + subscribers per room fit. */
const MAX_PER_ROOM = 25;
const SERVER_PORTS: [number, number] = [40000, 40999];
const LOAD_PORTS: [number, number] = [50000, 51999];
const BUN = process.execPath;

interface Options {
  steps: number[];
  publishers: number;
  windowSeconds: number;
  windows: number;
  roots: string[];
  runs: number;
  pin: boolean;
  profileDir: string | null;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { steps: [50, 100, 150, 200, 250, 300], publishers: 5, windowSeconds: 10, windows: 3, roots: [], runs: 1, pin: true, profileDir: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${arg} needs a value`);
      return next;
    };
    if (arg === "--steps") options.steps = value().split(",").map(Number);
    else if (arg === "--publishers") options.publishers = Number(value());
    else if (arg === "--window") options.windowSeconds = Number(value());
    else if (arg === "--windows") options.windows = Number(value());
    else if (arg === "--server-root") options.roots.push(resolve(value()));
    else if (arg === "--runs") options.runs = Number(value());
    else if (arg === "--no-pin") options.pin = false;
    else if (arg === "--profile") options.profileDir = resolve(value());
    else throw new Error(`unknown option ${arg}`);
  }
  if (options.roots.length === 0) options.roots.push(resolve(import.meta.dir, ".."));
  if (options.steps.some((s) => !(s > 0) || s % options.publishers !== 0)) {
    throw new Error(`every step must be a positive multiple of --publishers (${options.publishers})`);
  }
  if (!(options.publishers > 0 && options.publishers < MAX_PER_ROOM)) throw new Error("--publishers must be 1-24");
  return options;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

function pinned(cpu: number, command: string[], pin: boolean): string[] {
  return pin ? ["taskset", "-c", String(cpu), ...command] : command;
}

/** The load generator behind a request/answer IPC. */
class Load {
  private seq = 0;
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly process: ReturnType<typeof Bun.spawn>;

  constructor(pin: boolean, profileDir: string | null) {
    const profile = profileDir ? ["--cpu-prof-md", `--cpu-prof-dir=${profileDir}`] : [];
    this.process = Bun.spawn(pinned(1, [BUN, ...profile, join(import.meta.dir, "sfu-load.ts")], pin), {
      stdio: ["inherit", "inherit", "inherit"],
      ipc: (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
        const waiter = this.waiting.get(message.id);
        this.waiting.delete(message.id);
        if (!waiter) return;
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(`load generator: ${message.error}`));
      },
    });
  }

  /** Sends a command and waits for its answer. */
  call<T>(command: DistributiveOmit<LoadCommand, "id">): Promise<T> {
    const id = ++this.seq;
    return new Promise<T>((resolveCall, reject) => {
      this.waiting.set(id, { resolve: resolveCall as (v: unknown) => void, reject });
      this.process.send({ ...command, id });
    });
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;

/** One measurement window's figures. */
interface Row {
  streams: number;
  forwardedPerSecond: number;
  /** Received / sent by sequence number, over every stream. */
  deliveredPercent: number;
  /** Received / what the publishers sent times the subscribers (off by the counting's timing). */
  sentRatioPercent: number;
  /** Streams on which nothing new was numbered in the window (a stream the server stopped). */
  silentStreams: number;
  serverCpuPercent: number;
  serverRssMb: number;
  cpuUsPerPacket: number;
  loadCpuPercent: number;
  loadLagMs: number;
  serverDrops: number;
  loadDrops: number;
  sampleFailures: number;
  loadAverage: number;
}

async function measure(serverPid: number, load: Load, windowSeconds: number): Promise<Row> {
  const loadPid = load.process.pid;
  const before = await load.call<LoadSnapshot>({ cmd: "snapshot" });
  const cpu0 = cpuSeconds(serverPid);
  const loadCpu0 = cpuSeconds(loadPid);
  const serverDrops0 = udpDrops(...SERVER_PORTS);
  const loadDrops0 = udpDrops(...LOAD_PORTS);
  await Bun.sleep(windowSeconds * 1000);
  const after = await load.call<LoadSnapshot>({ cmd: "snapshot" });
  const cpu = cpuSeconds(serverPid) - cpu0;
  const loadCpu = cpuSeconds(loadPid) - loadCpu0;
  const seconds = (after.at - before.at) / 1000;
  const received = after.received - before.received;
  const expected = after.expected - before.expected;
  let numbered = 0;
  let counted = 0;
  let silentStreams = 0;
  for (let i = 0; i < after.streamHighest.length; i++) {
    const sent = after.streamHighest[i]! - (before.streamHighest[i] ?? 0);
    numbered += sent;
    counted += after.streamReceived[i]! - (before.streamReceived[i] ?? 0);
    if (sent <= 0) silentStreams++;
  }
  return {
    streams: after.streams,
    forwardedPerSecond: received / seconds,
    deliveredPercent: numbered > 0 ? (100 * counted) / numbered : 0,
    sentRatioPercent: expected > 0 ? (100 * received) / expected : 0,
    silentStreams,
    serverCpuPercent: (100 * cpu) / seconds,
    serverRssMb: rssMb(serverPid),
    cpuUsPerPacket: received > 0 ? (cpu * 1e6) / received : 0,
    loadCpuPercent: (100 * loadCpu) / seconds,
    loadLagMs: after.lagMs,
    serverDrops: udpDrops(...SERVER_PORTS) - serverDrops0,
    loadDrops: udpDrops(...LOAD_PORTS) - loadDrops0,
    sampleFailures: after.sampleFailures - before.sampleFailures,
    loadAverage: loadAverage(),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The median of each figure over the windows of one step. */
function medianRow(rows: Row[]): Row {
  const out = { ...rows[0]! };
  for (const key of Object.keys(out) as (keyof Row)[]) out[key] = median(rows.map((r) => r[key]));
  return out;
}

async function waitHealthy(base: string, server: ReturnType<typeof Bun.spawn>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.ok).catch(() => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error("the server did not become healthy in 30 s");
    await Bun.sleep(200);
  }
}

/** Runs the whole ladder against the server of one checkout; returns one median row per step. */
async function ladder(root: string, options: Options): Promise<Row[]> {
  const dataDir = mkdtempSync(join(tmpdir(), "youmeet-bench-"));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const profile = options.profileDir ? ["--cpu-prof-md", `--cpu-prof-dir=${options.profileDir}`] : [];
  const serverArgs = [BUN, ...profile, join(root, "src/main.ts"), "serve", "--host", "127.0.0.1", "--port", String(port), "--data-dir", dataDir];
  serverArgs.push("--public-url", base, "--dev-login", "--trust-proxy", "--rtc-ports", SERVER_PORTS.join("-"), "--log-level", "warn", "--log-format", "json");
  const server = Bun.spawn(pinned(0, serverArgs, options.pin), { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  const load = new Load(options.pin, options.profileDir);
  const rows: Row[] = [];
  try {
    await waitHealthy(base, server);
    const maxSubscribers = Math.max(...options.steps) / options.publishers;
    const rooms = Math.ceil(maxSubscribers / (MAX_PER_ROOM - options.publishers));
    await load.call({ cmd: "setup", base, rooms, publishersPerRoom: options.publishers, portRange: LOAD_PORTS, root, dataDir });
    for (const streams of options.steps) {
      try {
        await load.call({ cmd: "grow", subscribers: streams / options.publishers });
      } catch (error) {
        // A saturated server answers ICE consent too late and its connections fail: the end of the ladder.
        console.log(`${String(streams).padStart(7)}  not reached: ${error instanceof Error ? error.message : String(error)}   ${root}`);
        break;
      }
      // Joins (DTLS handshakes) stall the load process for a moment; let that pass.
      await Bun.sleep(3000);
      const windows: Row[] = [];
      for (let w = 0; w < options.windows; w++) windows.push(await measure(server.pid, load, options.windowSeconds));
      const row = medianRow(windows);
      rows.push(row);
      printRow(root, row);
    }
  } finally {
    await load.call({ cmd: "stop" }).catch(() => {});
    await Promise.race([load.process.exited, Bun.sleep(10_000)]);
    load.process.kill();
    // Peers vanishing without a goodbye (ICMP port unreachable) must not take the server down.
    await Bun.sleep(2000);
    if (server.exitCode !== null) console.error(`the server exited (${server.exitCode}) after the load generator went away`);
    server.kill("SIGTERM");
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  return rows;
}

const HEADER =
  "streams  fwd pkt/s  delivered %  silent  recv/sent %  server CPU %  RSS MB  CPU us/pkt  load CPU %  load lag ms  drops srv/load  srtp fail  loadavg";

function printRow(root: string, r: Row): void {
  const cols = [
    String(r.streams).padStart(7),
    r.forwardedPerSecond.toFixed(0).padStart(9),
    r.deliveredPercent.toFixed(3).padStart(11),
    String(r.silentStreams).padStart(6),
    r.sentRatioPercent.toFixed(1).padStart(11),
    r.serverCpuPercent.toFixed(1).padStart(12),
    r.serverRssMb.toFixed(0).padStart(6),
    r.cpuUsPerPacket.toFixed(2).padStart(10),
    r.loadCpuPercent.toFixed(1).padStart(10),
    r.loadLagMs.toFixed(1).padStart(11),
    `${r.serverDrops}/${r.loadDrops}`.padStart(14),
    String(r.sampleFailures).padStart(9),
    r.loadAverage.toFixed(2).padStart(7),
  ];
  console.log(`${cols.join("  ")}   ${root}`);
}

const options = parseOptions(process.argv.slice(2));
console.log(
  `SFU bench: ${options.publishers} publishers per room, 1.5 Mbit/s VP8 (200 pkt/s) each; ` +
    `${options.windows} windows of ${options.windowSeconds} s per step (medians); ${options.pin ? "server on CPU 0, load on CPU 1" : "unpinned"}`,
);
console.log(HEADER);
const results = new Map<string, Row[][]>();
for (let run = 0; run < options.runs; run++) {
  for (const root of options.roots) {
    const rows = await ladder(root, options);
    results.set(root, [...(results.get(root) ?? []), rows]);
  }
}
if (options.runs > 1 || options.roots.length > 1) {
  console.log("\nmedians over runs");
  console.log(HEADER);
  for (const [root, runs] of results) {
    for (let s = 0; s < options.steps.length; s++) {
      const reached = runs.map((rows) => rows[s]).filter((row): row is Row => row !== undefined);
      if (reached.length > 0) printRow(root, medianRow(reached));
    }
  }
}
if (options.roots.length === 2) {
  const [a, b] = options.roots.map((root) => results.get(root)!);
  console.log(`\nCPU us per packet, ${options.roots[1]} / ${options.roots[0]}, per step (median over runs):`);
  for (let s = 0; s < options.steps.length; s++) {
    const ratios = a!.flatMap((rows, i) => {
      const before = rows[s];
      const after = b![i]![s];
      return before && after ? [after.cpuUsPerPacket / before.cpuUsPerPacket] : [];
    });
    console.log(`  ${options.steps[s]} streams: ${ratios.length > 0 ? median(ratios).toFixed(2) : "not reached by both"}`);
  }
}
process.exit(0);
