import type { Exchange } from './text';

export const XSS_SCRIPT = '<script>alert(1)</script>';
export const XSS_IMG = '<img src=x onerror=alert(1)>';

/** The "XSS probe" run: markup in every place the dashboard renders user or model text. */
export const XSS_EXCHANGE: Exchange = {
  question: `Please echo this back exactly: ${XSS_SCRIPT} and ${XSS_IMG}`,
  tool: {
    name: 'searchDocs',
    input: { query: XSS_SCRIPT },
    output: [{ title: `Result ${XSS_SCRIPT}`, snippet: `an image ${XSS_IMG}` }],
  },
  answer: `Here it is, as text: ${XSS_SCRIPT} and ${XSS_IMG} (the dashboard must show this literally).`,
};

export const XSS_SECTION = {
  heading: `Probe ${XSS_SCRIPT}`,
  body: `Raw HTML in Markdown must not run:\n\n${XSS_SCRIPT}\n\n${XSS_IMG}\n\n- item ${XSS_IMG}`,
};
