/** Reading exported PDFs back with pdf.js: their text, and the rectangles they fill. */
async function loadPdf(pdf: Buffer) {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const document = await pdfjs.getDocument({ data: new Uint8Array(pdf), useSystemFonts: false }).promise;
  return { pdfjs, document };
}

/** Every text item, page by page, in drawing order. */
export async function pdfItems(pdf: Buffer): Promise<string[]> {
  const { document } = await loadPdf(pdf);
  const items: string[] = [];
  for (let page = 1; page <= document.numPages; page += 1) {
    const content = await (await document.getPage(page)).getTextContent();
    for (const item of content.items) if ('str' in item) items.push(item.str);
  }
  await document.destroy();
  return items;
}

export interface FilledRect {
  page: number;
  /** the fill colour in force, as the PDF set it (#rrggbb) */
  color: string;
  left: number;
  top: number;
  width: number;
  height: number;
}

/**
 * Every filled path in drawing order with its bounding box (page space, y down as pdfkit draws)
 * and the fill colour set before it: the chart's legend swatches and bars are these.
 */
export async function pdfFilledRects(pdf: Buffer): Promise<FilledRect[]> {
  const { pdfjs, document } = await loadPdf(pdf);
  const { OPS } = pdfjs;
  const rects: FilledRect[] = [];
  for (let page = 1; page <= document.numPages; page += 1) {
    const { fnArray, argsArray } = await (await document.getPage(page)).getOperatorList();
    let color = '#000000';
    fnArray.forEach((fn, index) => {
      const args = argsArray[index] as unknown[];
      if (fn === OPS.setFillRGBColor) color = String(args[0]);
      // constructPath: [the painting operator, the path, its bounding box [x0, y0, x1, y1]].
      if (fn === OPS.constructPath && args[0] === OPS.fill) {
        const [x0, y0, x1, y1] = Array.from(args[2] as ArrayLike<number>);
        rects.push({ page, color, left: x0, top: y0, width: x1 - x0, height: y1 - y0 });
      }
    });
  }
  await document.destroy();
  return rects;
}
