import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** Prometheus figures for HTTP traffic plus the process's own (CPU, memory, handles). */
export class HttpMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: "youmeet_http_requests_total",
    help: "HTTP requests answered, by method, route and status.",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: "youmeet_http_errors_total",
    help: "HTTP requests answered with a 5xx status.",
    labelNames: ["route"] as const,
    registers: [this.registry],
  });
  private readonly durations = new Histogram({
    name: "youmeet_http_request_duration_seconds",
    help: "Time to answer HTTP requests.",
    labelNames: ["method", "route"] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "youmeet_" });
  }

  /** Records one answered request. */
  observe(method: string, route: string, status: number, seconds: number): void {
    this.requests.inc({ method, route, status: String(status) });
    this.durations.observe({ method, route }, seconds);
    if (status >= 500) this.errors.inc({ route });
  }

  /** The exposition text for /metrics. */
  async render(): Promise<{ body: string; contentType: string }> {
    return { body: await this.registry.metrics(), contentType: this.registry.contentType };
  }
}
