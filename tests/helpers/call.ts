import { SignalClient } from "./signal-client.ts";
import { startTestApp, type TestApp, type TestClient } from "./server.ts";

/** A listening test app with helpers to log people in, make rooms and open room sockets. */
export class CallHarness {
  private readonly sockets: SignalClient[] = [];

  private constructor(
    readonly t: TestApp,
    readonly base: string,
  ) {}

  /** Starts the app with dev login and serves it on a free loopback port. */
  static async start(flags: string[] = []): Promise<CallHarness> {
    const t = await startTestApp(["--dev-login", ...flags]);
    return new CallHarness(t, t.listen());
  }

  /** A logged-in browser-like client. */
  async person(name: string): Promise<TestClient> {
    const client = this.t.client();
    await client.devLogin(name);
    return client;
  }

  /** The account id of a logged-in client. */
  async accountId(client: TestClient): Promise<number> {
    const youmeetId = (await client.get("/api/v1/me")).json().youmeetId as string;
    return this.t.stores.accounts.findByYoumeetId(youmeetId)!.id;
  }

  /** Puts a person on a plan, as `youmeet admin users set-plan` does (pro for calls larger than free allows). */
  async onPlan(client: TestClient, plan: string): Promise<TestClient> {
    this.t.stores.plans.setAccountPlan(await this.accountId(client), plan);
    return client;
  }

  /** Creates a room owned by `owner` and returns its id. */
  async room(owner: TestClient, name = "Standup"): Promise<string> {
    const answer = await owner.send("POST", "/api/v1/rooms", { json: { name }, headers: { "x-csrf-token": owner.csrfToken } });
    if (answer.status !== 201) throw new Error(`room creation failed: ${answer.status} ${answer.text}`);
    return answer.json().id;
  }

  /** A guest pass for a room. */
  async guestToken(roomId: string, name: string): Promise<string> {
    const visitor = this.t.client();
    await visitor.get(`/r/${roomId}`);
    const answer = await visitor.send("POST", `/r/${roomId}/guest`, { json: { name }, headers: { "x-csrf-token": visitor.csrfToken } });
    if (answer.status !== 200) throw new Error(`guest pass failed: ${answer.status} ${answer.text}`);
    return answer.json().token;
  }

  /** Opens the room socket as a logged-in client (or with raw headers); close() closes it. */
  async socket(roomId: string, who: TestClient | { guest: string }): Promise<SignalClient> {
    const ws = this.base.replace("http:", "ws:");
    const client =
      "guest" in who
        ? await SignalClient.connect(`${ws}/r/${roomId}/ws?guest=${encodeURIComponent(who.guest)}`, { origin: this.base })
        : await SignalClient.connect(`${ws}/r/${roomId}/ws`, { origin: this.base, cookie: cookieHeader(who) });
    this.sockets.push(client);
    return client;
  }

  /** Ada (the owner) and Grace, both joined to a new room's call. */
  async adaAndGrace() {
    const ada = await this.person("Ada");
    const grace = await this.person("Grace");
    const roomId = await this.room(ada);
    const a = await this.socket(roomId, ada);
    const aw = await a.join();
    const g = await this.socket(roomId, grace);
    return { ada, grace, roomId, a, aw, g, gw: await g.join() };
  }

  /** The raw answer to an upgrade attempt (for refusals). */
  upgradeStatus(roomId: string, headers: Record<string, string>, query = ""): Promise<number> {
    return fetch(`${this.base}/r/${roomId}/ws${query}`, {
      headers: { connection: "Upgrade", upgrade: "websocket", "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", ...headers },
    }).then((r) => r.status);
  }

  /** Stops everything: the sockets opened, then the app. */
  close(): void {
    this.sockets.splice(0).forEach((s) => s.close());
    this.t.close();
  }
}

/** The Cookie header a logged-in client would send. */
export function cookieHeader(client: TestClient): string {
  return [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}
