import { parse as parseJavaScript } from 'acorn';
import { parser as pythonParser } from '@lezer/python';
import { extname } from 'node:path';

/**
 * Syntax checks with maintained pure-JS parsers, so they run inside a Lambda bundle (esbuild's and
 * TypeScript's parsers do not: esbuild needs its native binary, `typescript` adds ~9 MB).
 *   .json            JSON.parse
 *   .js .mjs .cjs    acorn (latest ECMAScript; module, then script goals)
 *   .py              @lezer/python (CodeMirror's grammar; its error nodes mark syntax errors)
 * Everything else (Markdown, TypeScript, text) is recorded as "unchecked": stored and merged, but
 * nobody claims it parsed.
 */
export type SyntaxStatus = 'valid' | 'invalid' | 'unchecked';

export interface SyntaxResult {
  readonly status: SyntaxStatus;
  readonly parser: string;
  readonly reason?: string;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function checkJavaScript(text: string, goals: Array<'module' | 'script'>): SyntaxResult {
  let last = '';
  for (const sourceType of goals) {
    try {
      parseJavaScript(text, { ecmaVersion: 'latest', sourceType, allowHashBang: true });
      return { status: 'valid', parser: `acorn (${sourceType})` };
    } catch (err) {
      last = (err as Error).message;
    }
  }
  return { status: 'invalid', parser: 'acorn', reason: `JavaScript syntax error: ${last}` };
}

function checkPython(text: string): SyntaxResult {
  const tree = pythonParser.parse(text);
  let at: number | undefined;
  tree.iterate({
    enter: (node) => {
      if (at !== undefined) return false;
      if (node.type.isError) at = node.from;
      return undefined;
    },
  });
  return at === undefined
    ? { status: 'valid', parser: '@lezer/python' }
    : { status: 'invalid', parser: '@lezer/python', reason: `Python syntax error near line ${lineOf(text, at)}` };
}

export function checkSyntax(fileName: string, text: string): SyntaxResult {
  switch (extname(fileName).toLowerCase()) {
    case '.json':
      try {
        JSON.parse(text);
        return { status: 'valid', parser: 'JSON.parse' };
      } catch (err) {
        return { status: 'invalid', parser: 'JSON.parse', reason: `JSON syntax error: ${(err as Error).message}` };
      }
    case '.js':
      return checkJavaScript(text, ['module', 'script']);
    case '.mjs':
      return checkJavaScript(text, ['module']);
    case '.cjs':
      return checkJavaScript(text, ['script']);
    case '.py':
      return checkPython(text);
    default:
      return { status: 'unchecked', parser: 'none' };
  }
}
