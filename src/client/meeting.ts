/**
 * The meeting page (/r/<id>): pre-join, then the call. The modules in ./meeting/ each do
 * one job; this entry reads the page's data attributes and hands over between them.
 */

import { Call } from "./meeting/call.ts";
import { Prejoin, type JoinRequest } from "./meeting/prejoin.ts";
import type { PeerMediaStats } from "./meeting/subscriber.ts";
import { loadTexts, t } from "./meeting/texts.ts";

declare global {
  interface Window {
    /** For tests and curious people: read-only views of the call. */
    youmeet?: { state(): unknown; stats(): Promise<PeerMediaStats[]> };
  }
}

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? "";
}

/** Asks the server for a guest token for this room; throws a sentence for the person. */
async function fetchGuestToken(roomId: string, name: string): Promise<string> {
  const response = await fetch(`/r/${encodeURIComponent(roomId)}/guest`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken(), accept: "application/json" },
    body: JSON.stringify({ name }),
  });
  const body = (await response.json().catch(() => null)) as { token?: string; error?: { message?: string } } | null;
  if (!response.ok || !body?.token) throw new Error(body?.error?.message ?? `HTTP ${response.status}`);
  return body.token;
}

function main(): void {
  const root = document.getElementById("meeting");
  if (!root) return;
  loadTexts(root);
  const roomId = root.dataset.roomId ?? "";
  const isOwner = root.dataset.isOwner === "true";
  let call: Call | null = null;
  window.youmeet = {
    state: () =>
      call?.state() ?? { joined: false, peerId: null, you: null, participants: [], reconnecting: false, locked: false, ended: null },
    stats: async () => (call ? call.stats() : []),
  };

  const join = async (request: JoinRequest): Promise<string | null> => {
    let guestToken: (() => Promise<string>) | null = null;
    if (request.guestName !== null) {
      const name = request.guestName;
      let first: string;
      try {
        first = await fetchGuestToken(roomId, name);
      } catch (error) {
        return t("room.guest.failed", { message: (error as Error).message });
      }
      // The first token is used at once; a reconnect later asks for a fresh one.
      let spare: string | null = first;
      guestToken = async () => {
        const token = spare ?? (await fetchGuestToken(roomId, name));
        spare = null;
        return token;
      };
    }
    call = new Call(root, { roomId, isOwner, guestToken }, request.media);
    call.start();
    return null;
  };

  const prejoin = new Prejoin(root, join, (sinkId) => call?.setSpeaker(sinkId));
  void prejoin.start();

  root.addEventListener("click", (event) => {
    const action = (event.target as Element).closest<HTMLElement>("[data-action]");
    if (!action) return;
    if (action.dataset.action === "rejoin") location.reload();
    if (action.dataset.action === "dismiss") action.closest<HTMLElement>("[data-banner]")?.setAttribute("hidden", "");
  });
  // Closing the tab or navigating away leaves the call at once for the others.
  window.addEventListener("pagehide", () => call?.leave(false));
}

main();
