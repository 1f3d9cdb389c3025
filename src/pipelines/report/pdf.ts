/**
 * Prints the report's HTML to PDF with Debian's Chromium, driven by playwright-core (which never
 * downloads a browser). Optional: without /usr/bin/chromium there is no PDF.
 */
import {existsSync} from "node:fs";
import {rename, rm} from "node:fs/promises";

export const CHROMIUM_PATH = "/usr/bin/chromium";

export const hasChromium = (path = CHROMIUM_PATH): boolean => existsSync(path);

/** Writes `path` (through a temporary name: a failed print leaves nothing behind). */
export async function printPdf(html: string, path: string, chromiumPath = CHROMIUM_PATH): Promise<void> {
  const {chromium} = await import("playwright-core");
  const partial = `${path}.partial-${process.pid}`;
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ["--no-sandbox", "--disable-gpu"],
  });
  try {
    const page = await browser.newPage();
    // The HTML has no external resource, so "load" means everything is there.
    await page.setContent(html, {waitUntil: "load"});
    await page.pdf({path: partial, format: "A4", printBackground: true, preferCSSPageSize: true});
    await rename(partial, path);
  } catch (error) {
    await rm(partial, {force: true});
    throw error;
  } finally {
    await browser.close();
  }
}
