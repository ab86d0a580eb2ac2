// Opens local pages in Debian's headless Chromium (never a downloaded browser) and records every
// request that would leave the machine, so a test can prove a page works offline.
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium, type Browser, type Page } from "playwright-core";

export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

export interface OfflinePage {
  page: Page;
  /** Every URL the page tried to fetch that is not file: or data: (all were aborted). */
  outsideRequests: string[];
  /** Loads the page's Content-Security-Policy refused (each would otherwise have gone out). */
  refusedByPolicy: string[];
  close(): Promise<void>;
}

/** A fresh page whose every non-file, non-data request is recorded and aborted before `file` loads. */
export async function openOffline(browser: Browser, file: string, hash = ""): Promise<OfflinePage> {
  const context = await browser.newContext();
  const outsideRequests: string[] = [];
  const refusedByPolicy: string[] = [];
  try {
    const page = await context.newPage();
    await page.route("**/*", async (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      outsideRequests.push(url);
      return route.abort("blockedbyclient");
    });
    // WebSockets are not routed by page.route; CSP refusals never reach the router.
    page.on("websocket", (ws) => outsideRequests.push(ws.url()));
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) refusedByPolicy.push(message.text());
    });
    await page.goto(pathToFileURL(file).href + hash, { waitUntil: "load" });
    return { page, outsideRequests, refusedByPolicy, close: () => context.close() };
  } catch (err) {
    await context.close();
    throw err;
  }
}
