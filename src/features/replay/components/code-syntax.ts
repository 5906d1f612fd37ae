import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import { createLowlight } from 'lowlight';

/**
 * The languages code blocks are highlighted in (highlight.js grammars through lowlight, which builds a
 * syntax tree, never HTML strings: the output goes through React like any other text). Others render
 * as plain code.
 */
export const languages = { bash, css, diff, javascript, json, markdown, python, sql, typescript, xml, yaml };

let shared: ReturnType<typeof createLowlight> | null = null;

/** The grammars are registered at the first highlight, not when the replay's code is loaded (hydration). */
export function lowlight(): ReturnType<typeof createLowlight> {
  shared ??= createLowlight(languages);
  return shared;
}

type HastNode = {
  type: string;
  tagName?: string;
  value?: string;
  properties?: { className?: unknown };
  children?: HastNode[];
};

const textOf = (n: HastNode): string => n.value ?? n.children?.map(textOf).join('') ?? '';

function highlightCode(node: HastNode, parent: HastNode | null) {
  if (node.type === 'element' && node.tagName === 'code' && parent?.tagName === 'pre') {
    const classes = Array.isArray(node.properties?.className) ? node.properties.className.map(String) : [];
    const lang = classes.find((c) => c.startsWith('language-'))?.slice('language-'.length);
    if (!lang || !lowlight().registered(lang)) return;
    const result = lowlight().highlight(lang, textOf(node));
    node.properties = { ...node.properties, className: ['hljs', ...classes] };
    if (result.children.length > 0) node.children = result.children as HastNode[];
    return;
  }
  for (const child of node.children ?? []) highlightCode(child, node);
}

/**
 * A rehype plugin highlighting `pre > code.language-*` with the shared lowlight above (what
 * rehype-highlight does with `detect: false`, except that rehype-highlight builds a new lowlight and
 * registers every grammar again each time a Markdown processor is made, i.e. on every parse).
 */
export function rehypeHighlightCode() {
  return (tree: HastNode) => highlightCode(tree, null);
}
