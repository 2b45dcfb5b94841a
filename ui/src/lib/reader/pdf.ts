// pdf.js, loaded the first time a PDF is opened, reading a material in ranges from the
// shell's `material:` scheme: a 100 MB 申报书 is fetched a piece at a time, the pieces
// the pages shown need, never whole.

import type { PDFDocumentLoadingTask } from "pdfjs-dist";
import { fetchRange } from "./source";

type PdfJs = typeof import("pdfjs-dist");

let loading: Promise<PdfJs> | null = null;

export function pdfjs(): Promise<PdfJs> {
  loading ??= Promise.all([import("pdfjs-dist"), import("pdfjs-dist/build/pdf.worker.min.mjs?url")]).then(
    ([lib, worker]) => {
      // The worker is one of the app's own files: the content policy's `script-src 'self'`.
      lib.GlobalWorkerOptions.workerSrc = worker.default;
      return lib;
    },
  );
  return loading;
}

/** The range size: big enough for few round trips, small enough to keep memory flat. */
export const CHUNK = 256 * 1024;

/** Opens the PDF at `url` (`length` bytes); `onfailure` hears of a refused range. */
export async function openPdf(url: string, length: number, onfailure: (error: unknown) => void): Promise<PDFDocumentLoadingTask> {
  const lib = await pdfjs();
  const transport = new lib.PDFDataRangeTransport(length, null);
  transport.requestDataRange = (begin: number, end: number) => {
    fetchRange(url, begin, end).then(
      (chunk) => transport.onDataRange(begin, chunk),
      (error) => onfailure(error),
    );
  };
  return lib.getDocument({
    range: transport,
    length,
    rangeChunkSize: CHUNK,
    disableAutoFetch: true,
    disableStream: true,
    // No `new Function` (the content policy has no 'unsafe-eval') and no WebAssembly
    // (no 'wasm-unsafe-eval'): pdf.js falls back to its plain JavaScript paths.
    isEvalSupported: false,
    useWasm: false,
    enableXfa: false,
    // Chinese PDFs that do not embed their fonts name Adobe's CJK character maps; they
    // and the standard fonts ship with the app (vite.config.ts copies them).
    cMapUrl: new URL("pdfjs/cmaps/", document.baseURI).href,
    cMapPacked: true,
    standardFontDataUrl: new URL("pdfjs/standard_fonts/", document.baseURI).href,
    useSystemFonts: true,
  });
}
