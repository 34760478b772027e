/*
 * WeChat's push XML, read by a strict parser of our own rather than a library (fast-xml-parser,
 * xml2js, saxes). Why: the outer XML is parsed before its signature can be checked (the signature
 * covers the Encrypt value inside), so this code reads anything anyone sends. The format is
 * `<xml>` with named children holding text or CDATA (nested one or two levels in some InfoTypes);
 * no attributes, no DTD, no entities beyond XML's five and character references. A parser that only
 * knows that shape cannot expand entities or resolve external ones (XXE, "billion laughs") and runs
 * in linear time, with nothing to configure; the general parsers have had entity and ReDoS advisories
 * and would accept shapes we would then have to refuse anyway.
 */

/** An element's value: its text, or its children by name. */
export type XmlValue = string | { [name: string]: XmlValue };

/** The push could not be read (WXBizMsgCrypt's -40002 ParseXmlError). */
export class PushXmlError extends Error {
  override readonly name = 'PushXmlError';
}

const NAME = /[A-Za-z_][A-Za-z0-9_.-]{0,63}/y;
const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const MAX_DEPTH = 4;

/** Parses `<xml>…</xml>` into its children: `<xml><A><![CDATA[x]]></A><B>1</B></xml>` → `{A: 'x', B: '1'}`. */
export function parsePushXml(text: string): Record<string, XmlValue> {
  const p = { s: text, i: 0 };
  skipSpace(p);
  if (p.s.startsWith('<?xml', p.i)) {
    const end = p.s.indexOf('?>', p.i);
    if (end < 0) throw new PushXmlError('unterminated XML declaration');
    p.i = end + 2;
    skipSpace(p);
  }
  const root = element(p, 0);
  skipSpace(p);
  if (p.i !== p.s.length) throw new PushXmlError('text after the root element');
  if (root.name !== 'xml' || typeof root.value === 'string') throw new PushXmlError('the root element must be <xml> with children');
  return root.value;
}

function skipSpace(p: { s: string; i: number }): void {
  while (p.i < p.s.length && ' \t\r\n'.includes(p.s[p.i])) p.i++;
}

function name(p: { s: string; i: number }): string {
  NAME.lastIndex = p.i;
  const m = NAME.exec(p.s);
  if (!m) throw new PushXmlError(`an element name was expected at ${p.i}`);
  p.i += m[0].length;
  return m[0];
}

function element(p: { s: string; i: number }, depth: number): { name: string; value: XmlValue } {
  if (depth > MAX_DEPTH) throw new PushXmlError('elements nest too deep');
  if (p.s[p.i] !== '<') throw new PushXmlError(`an element was expected at ${p.i}`);
  p.i++;
  const tag = name(p);
  if (p.s[p.i] !== '>') throw new PushXmlError(`<${tag}> must have no attributes`);
  p.i++;
  // No prototype: an element named __proto__ or toString is just a name.
  const children: Record<string, XmlValue> = Object.create(null) as Record<string, XmlValue>;
  let text = '';
  let hasChildren = false;
  for (;;) {
    if (p.i >= p.s.length) throw new PushXmlError(`<${tag}> is not closed`);
    if (p.s.startsWith('</', p.i)) {
      p.i += 2;
      if (name(p) !== tag || p.s[p.i] !== '>') throw new PushXmlError(`</${tag}> was expected`);
      p.i++;
      if (hasChildren && text.trim()) throw new PushXmlError(`<${tag}> mixes text and elements`);
      return { name: tag, value: hasChildren ? children : text };
    }
    if (p.s.startsWith('<![CDATA[', p.i)) {
      const end = p.s.indexOf(']]>', p.i + 9);
      if (end < 0) throw new PushXmlError('unterminated CDATA section');
      text += p.s.slice(p.i + 9, end);
      p.i = end + 3;
    } else if (p.s[p.i] === '<') {
      if (p.s.startsWith('<!', p.i) || p.s.startsWith('<?', p.i)) throw new PushXmlError('declarations and comments are not accepted');
      const child = element(p, depth + 1);
      if (Object.hasOwn(children, child.name)) throw new PushXmlError(`<${child.name}> appears twice`);
      children[child.name] = child.value;
      hasChildren = true;
    } else if (p.s[p.i] === '&') {
      const end = p.s.indexOf(';', p.i);
      const ref = end > p.i ? p.s.slice(p.i + 1, end) : '';
      const code = /^#x[0-9a-fA-F]{1,6}$/.test(ref) ? parseInt(ref.slice(2), 16) : /^#\d{1,7}$/.test(ref) ? Number(ref.slice(1)) : -1;
      if (ENTITY[ref] === undefined && !(code === 9 || code === 10 || code === 13 || (code >= 0x20 && code <= 0x10ffff)))
        throw new PushXmlError('only XML’s five entities and character references are accepted');
      text += ENTITY[ref] ?? String.fromCodePoint(code);
      p.i = end + 1;
    } else {
      const next = p.s.slice(p.i).search(/[<&]/);
      const chunk = next < 0 ? p.s.slice(p.i) : p.s.slice(p.i, p.i + next);
      text += chunk;
      p.i += chunk.length;
    }
  }
}

/** A top-level text field of a parsed push, or undefined when absent or not text. */
export function field(xml: Record<string, XmlValue>, key: string): string | undefined {
  const v = Object.hasOwn(xml, key) ? xml[key] : undefined;
  return typeof v === 'string' ? v : undefined;
}
