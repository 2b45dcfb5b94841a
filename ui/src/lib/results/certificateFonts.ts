// The faces certificates are printed in, as the shell serves them (src-tauri/src/fonts.rs):
// the very files the PDF embeds, so the preview's line breaks and widths are the PDF's.
// The page names a face, never a file.

/** The family the preview draws in; `serif` only while (or if) the shipped faces fail. */
export const CERTIFICATE_FONT = '"PanelDesk Certificate Serif", serif';

const FAMILY = "PanelDesk Certificate Serif";

/** Linux and macOS webviews name custom schemes as such, Windows's as `http://<scheme>.localhost`. */
export function fontUrl(face: "serif-regular" | "serif-bold"): string {
  const windows = typeof navigator !== "undefined" && /Windows/.test(navigator.userAgent);
  const base = windows ? "http://paneldesk-font.localhost" : "paneldesk-font://localhost";
  return `${base}/${face}`;
}

let loading: Promise<boolean> | null = null;

/** Adds both faces to the document once; true when both loaded. */
export function loadCertificateFonts(): Promise<boolean> {
  if (loading) return loading;
  if (typeof FontFace === "undefined" || typeof document === "undefined" || !document.fonts) {
    loading = Promise.resolve(false);
    return loading;
  }
  const faces = [
    new FontFace(FAMILY, `url("${fontUrl("serif-regular")}")`, { weight: "400" }),
    new FontFace(FAMILY, `url("${fontUrl("serif-bold")}")`, { weight: "700" }),
  ];
  loading = Promise.all(
    faces.map(async (face) => {
      await face.load();
      document.fonts.add(face);
    }),
  ).then(
    () => true,
    () => {
      // Try again next time the editor opens (the shell may have found no face yet).
      loading = null;
      return false;
    },
  );
  return loading;
}
