import { chromium } from 'playwright-core';

/** The browser that prints: Debian's Chromium unless INCIDENT_BRIDGE_CHROMIUM names another. */
export const DEFAULT_CHROMIUM = process.env.INCIDENT_BRIDGE_CHROMIUM ?? '/usr/bin/chromium';

/** Prints an HTML document to an A4 PDF with headless Chromium (its own print, page numbers in the footer). */
export async function htmlToPdf(html: string, executablePath = DEFAULT_CHROMIUM): Promise<Buffer> {
  const browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
  try {
    const page = await browser.newPage();
    // Nothing to fetch: the document is self-contained, and it may not reach out.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: '<div style="font-size:8px;width:100%;text-align:center;color:#5b6475"><span class="pageNumber"></span> / <span class="totalPages"></span></div>',
      margin: { top: '14mm', bottom: '16mm', left: '12mm', right: '12mm' },
    });
  } finally {
    await browser.close();
  }
}
