'use client';
import { memo, type ReactElement, useDeferredValue, useState, useSyncExternalStore } from 'react';
import renderMarkdown from 'react-markdown';
import rehypeSanitize from 'rehype-sanitize';
import remarkGfm from 'remark-gfm';
import { rehypeHighlightCode } from './code-syntax';

type MdNode = { type: string; value?: string; children?: MdNode[] };

/** Raw HTML in stored Markdown is shown as the literal text it is, never parsed into elements. */
function remarkHtmlAsText() {
  const walk = (node: MdNode) => {
    if (node.type === 'html') node.type = 'text';
    node.children?.forEach(walk);
  };
  return (tree: MdNode) => walk(tree);
}

const remarkPlugins = [remarkGfm, remarkHtmlAsText];
// Highlighting runs after the sanitizer: it only adds spans with hljs-* classes around text.
const rehypePlugins = [rehypeSanitize, rehypeHighlightCode];

/**
 * Of Markdown that is still streaming, the part that renders now as it will when complete: a table
 * whose delimiter row has not arrived yet would render as a paragraph and then jump into a table, so
 * trailing lines that start with `|` wait until the table is recognisable. An open code fence needs
 * nothing: CommonMark runs it to the end of the text, the same block it will be once closed.
 */
export function stableMarkdown(text: string): string {
  const lines = text.split('\n');
  const end = lines.at(-1) === '' ? lines.length - 1 : lines.length;
  let cut = end;
  while (cut > 0 && lines[cut - 1]!.trimStart().startsWith('|')) cut--;
  const table = lines.slice(cut, end);
  if (table.length === 0) return text;
  // A table is recognisable once its delimiter row is complete (a newline after it).
  const delimiter = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
  if (table.length >= 3 || (table.length === 2 && delimiter.test(table[1]!) && end < lines.length)) {
    return text;
  }
  return lines.slice(0, cut).join('\n');
}

const prose =
  'text-sm leading-relaxed text-zinc-700 [&_a]:text-blue-700 [&_a]:underline [&_blockquote]:border-l-2 [&_blockquote]:border-zinc-300 [&_blockquote]:pl-3 [&_code]:rounded [&_code]:bg-zinc-100 [&_code]:px-1 [&_code]:font-mono [&_code]:text-xs [&_h1]:mt-3 [&_h1]:text-base [&_h1]:font-semibold [&_h2]:mt-3 [&_h2]:font-semibold [&_h3]:mt-2 [&_h3]:font-medium [&_li]:my-0.5 [&_ol]:list-decimal [&_ol]:pl-5 [&_p]:my-1.5 [&_pre]:overflow-auto [&_pre]:rounded [&_pre]:bg-zinc-50 [&_pre]:p-2 [&_pre_code]:bg-transparent [&_pre_code]:p-0 [&_table]:my-2 [&_td]:border [&_td]:border-zinc-200 [&_td]:px-2 [&_td]:py-1 [&_th]:border [&_th]:border-zinc-200 [&_th]:bg-zinc-50 [&_th]:px-2 [&_th]:py-1 [&_ul]:list-disc [&_ul]:pl-5';

/**
 * Stored Markdown (GitHub flavour: tables, task lists, strikethrough), sanitized: raw HTML in the
 * source stays literal text (no rehype-raw), and rehype-sanitize strips anything unsafe that Markdown
 * itself can produce (javascript: links, event handlers). `streaming` holds back a half-received table.
 */
export const Markdown = memo(function Markdown({
  source,
  streaming,
}: {
  source: string;
  streaming?: boolean;
}) {
  // A row that mounts after hydration (scrolling, scrubbing, a page of events arriving) shows its
  // text as it is for a frame and is parsed in a deferred render that React can split between rows,
  // so a screenful of new rows is not one long task. The server renders the first screen as Markdown;
  // hydration keeps that HTML as it is (an element with `dangerouslySetInnerHTML` has no children to
  // hydrate, and React leaves its server content alone) for as long as the row shows the same text:
  // parsing it again would give the same DOM, and replacing the whole first screen's DOM was one
  // commit, one long task, after hydration. A parse already cached is at once.
  const hydrated = useSyncExternalStore(noSubscribe, isClient, isServer);
  const [serverSource] = useState(() => (hydrated ? null : source));
  const cached = renderedCache.has(source);
  const deferred = useDeferredValue(source, hydrated && !cached && !streaming ? '' : source);
  if (streaming) return <div className={prose}>{parse(stableMarkdown(source))}</div>;
  if (serverSource === source && typeof window !== 'undefined') {
    // biome-ignore lint/security/noDangerouslySetInnerHtml: empty: keeps the server's sanitized Markdown while the text is the same
    return <div className={prose} suppressHydrationWarning dangerouslySetInnerHTML={EMPTY} />;
  }
  if (deferred !== source) {
    return (
      <div className={prose}>
        <p className="whitespace-pre-wrap break-words">{source}</p>
      </div>
    );
  }
  return <div className={prose}>{rendered(source)}</div>;
});

const EMPTY = { __html: '' };
const noSubscribe = () => () => {};
const isClient = () => true;
const isServer = () => false;

/**
 * Parsed Markdown by source text: a row of the windowed transcript that scrolls out and back in (or a
 * message shown again at another replay position) is not parsed again. Bounded, oldest dropped first.
 */
const renderedCache = new Map<string, ReactElement>();
const CACHE_SIZE = 400;

function rendered(source: string): ReactElement {
  const hit = renderedCache.get(source);
  if (hit) return hit;
  const el = parse(source);
  renderedCache.set(source, el);
  if (renderedCache.size > CACHE_SIZE) renderedCache.delete(renderedCache.keys().next().value!);
  return el;
}

/** react-markdown's Markdown is a plain synchronous function of its options (no hooks). */
function parse(source: string): ReactElement {
  return renderMarkdown({
    children: source,
    remarkPlugins,
    rehypePlugins,
  });
}
