/** The Telegram Mini App bridge this page script uses (telegram-web-app.js). */
interface TelegramWebApp {
  initData: string;
  ready(): void;
  expand(): void;
}

/** On /tg: post Telegram's initData to the server and go to the dashboard. */
export function initTelegramApp(csrfToken: () => string): void {
  const status = document.querySelector<HTMLElement>("[data-telegram-status]");
  if (!status) return;
  const webApp = (window as unknown as { Telegram?: { WebApp?: TelegramWebApp } }).Telegram?.WebApp;
  if (!webApp?.initData) {
    status.textContent = status.dataset.outside ?? "Open this page from Telegram.";
    return;
  }
  webApp.ready();
  webApp.expand();
  void fetch("/auth/telegram/webapp", {
    method: "POST",
    headers: { "content-type": "application/json", "x-csrf-token": csrfToken() },
    body: JSON.stringify({ initData: webApp.initData }),
  })
    .then(async (response) => {
      const body = (await response.json()) as { redirect?: string; error?: { message: string } };
      if (response.ok && body.redirect) location.assign(body.redirect);
      else status.textContent = body.error?.message ?? `Login failed (${response.status}).`;
    })
    .catch(() => {
      status.textContent = "The server could not be reached; check your connection and try again.";
    });
}
