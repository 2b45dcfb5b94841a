// Laying a .docx out with docx-preview (loaded only when one is opened), made safe for the
// window: the library's <style> elements, which the content policy refuses, become one
// constructed style sheet kept inside the document's own shadow root (so nothing a
// university's document styles reaches the app around it); links become their text;
// pictures stay only as the data: URLs the document itself carried; frames go.

/** What docx-preview is asked for: pictures inline as data: URLs (the policy allows no
 * blob:), no embedded fonts, no embedded HTML (altChunk), no comments. */
export const DOCX_OPTIONS = {
  className: "docx",
  inWrapper: true,
  breakPages: true,
  ignoreLastRenderedPageBreak: true,
  ignoreFonts: true,
  useBase64URL: true,
  renderAltChunks: false,
  renderComments: false,
  renderChanges: false,
  experimental: false,
  debug: false,
} as const;

/** The app's own touches on the library's look: the page on the reader's background, and
 * the wrapper as wide as the page, so a page wider than the pane scrolls, never clipped. */
const OWN_CSS = `
:host { display: block; }
.docx-wrapper { background: var(--surface-muted, #e9e9ec) !important; padding: 16px !important; width: max-content; min-width: 100%; box-sizing: border-box; }
.docx-wrapper > section.docx { box-shadow: 0 1px 4px rgba(0, 0, 0, 0.25) !important; margin-bottom: 16px !important; }
`;

export interface SafeDocx {
  /** The library's style sheets' text, to be applied through the CSSOM. */
  css: string;
  nodes: Node[];
}

/** Takes the rendered nodes apart: styles out, links to text, nothing remote or framed. */
export function sanitiseDocx(rendered: Node[]): SafeDocx {
  let css = "";
  const nodes: Node[] = [];
  for (const node of rendered) {
    if (node.nodeName === "STYLE") {
      css += `${node.textContent ?? ""}\n`;
      continue;
    }
    if (node.nodeType === Node.COMMENT_NODE) continue;
    if (node instanceof Element) clean(node);
    nodes.push(node);
  }
  return { css: css + OWN_CSS, nodes };
}

function clean(root: Element) {
  for (const gone of Array.from(root.querySelectorAll("style, iframe, frame, object, embed, script, link, meta, base, form"))) {
    gone.remove();
  }
  // A link is its text: never followed out of something a university sent.
  for (const link of Array.from(root.querySelectorAll("a"))) {
    const span = document.createElement("span");
    span.className = link.className;
    while (link.firstChild) span.appendChild(link.firstChild);
    link.replaceWith(span);
  }
  for (const image of Array.from(root.querySelectorAll("img"))) {
    const src = image.getAttribute("src") ?? "";
    if (!src.startsWith("data:image/")) image.remove();
    image.removeAttribute("srcset");
  }
  // SVG pictures and anything else that names an address: only the document's own data.
  for (const named of Array.from(root.querySelectorAll("[href], [xlink\\:href]"))) {
    for (const attr of ["href", "xlink:href"]) {
      const value = named.getAttribute(attr);
      if (value !== null && !value.startsWith("data:image/")) named.removeAttribute(attr);
    }
  }
}

/** Applies `css` to `root` through the CSSOM (a constructed sheet), which the content
 * policy leaves alone; false when this webview cannot. */
export function adoptCss(root: ShadowRoot, css: string): boolean {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
    root.adoptedStyleSheets = [sheet];
    return true;
  } catch {
    return false;
  }
}
