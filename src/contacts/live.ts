import { randomBytes } from "node:crypto";
import type { CallView } from "./calls.ts";

/** Something the server tells an open page: the event name and its data. */
export type LiveEvent = { name: "call"; data: CallView };

/** One open youmeet page of a logged-in person: where its events go. */
export interface PageSink {
  send(event: LiveEvent): void;
  /** Ends the page's connection (server shutdown). */
  end(): void;
  /** Ends the page's connection if its login session is gone (a logout elsewhere). */
  recheck(): void;
}

/** An open page as the registry hands it back: its id, and how it leaves. */
export interface LivePage {
  readonly id: string;
  readonly accountId: number;
  close(): void;
}

/**
 * Every youmeet page people have open now (one live event connection each). A person is
 * "online" while at least one of their pages is connected; pushes reach all of them.
 */
export class LivePages {
  private readonly byAccount = new Map<number, Map<string, PageSink>>();

  /** Registers a page of `accountId`; call `close()` when its connection ends. */
  connect(accountId: number, sink: PageSink): LivePage {
    const id = randomBytes(12).toString("base64url");
    let pages = this.byAccount.get(accountId);
    if (!pages) {
      pages = new Map();
      this.byAccount.set(accountId, pages);
    }
    pages.set(id, sink);
    return {
      id,
      accountId,
      close: () => {
        const open = this.byAccount.get(accountId);
        open?.delete(id);
        if (open?.size === 0) this.byAccount.delete(accountId);
      },
    };
  }

  /** Whether the person has a youmeet page open now. */
  isOnline(accountId: number): boolean {
    return this.byAccount.has(accountId);
  }

  /** How many pages the person has open. */
  pageCount(accountId: number): number {
    return this.byAccount.get(accountId)?.size ?? 0;
  }

  /** Ends every page's connection, so a stopping server is not held open by them. */
  closeAll(): void {
    for (const pages of [...this.byAccount.values()]) for (const sink of [...pages.values()]) sink.end();
    this.byAccount.clear();
  }

  /** Has every open page of the person check its session now: a logged-out one leaves at once. */
  recheck(accountId: number): void {
    for (const sink of [...(this.byAccount.get(accountId)?.values() ?? [])]) sink.recheck();
  }

  /** Sends an event to every open page of the person; `build` may tailor it per page id. */
  push(accountId: number, build: (pageId: string) => LiveEvent): void {
    for (const [pageId, sink] of this.byAccount.get(accountId) ?? []) sink.send(build(pageId));
  }
}
