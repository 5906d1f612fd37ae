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

export const lowlight = createLowlight(languages);
