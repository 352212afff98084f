/** Just enough XML for Route 53's and CloudFormation's wire formats. */

/** A value or nested elements. */
export type XmlNode = string | number | boolean | undefined | XmlElement[] | XmlElement;

/** One element: `[name, content]`. */
export type XmlElement = readonly [string, XmlNode];

/** Escape text for XML content. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Render elements (elements whose content is `undefined` are left out). */
export function renderXml(node: XmlNode): string {
  if (node === undefined) return '';
  if (typeof node !== 'object') return escapeXml(String(node));
  if (isElement(node)) {
    const [name, content] = node;
    return content === undefined ? '' : `<${name}>${renderXml(content)}</${name}>`;
  }
  return node.map((element) => renderXml(element)).join('');
}

function isElement(node: XmlElement | XmlElement[]): node is XmlElement {
  return typeof node[0] === 'string';
}

/** A whole document with its root element and namespace. */
export function xmlDocument(root: string, namespace: string, content: XmlNode): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${namespace}">${renderXml(content)}</${root}>`;
}

/** The text of every element named `tag` (flat documents only; enough for request bodies). */
export function elementTexts(xml: string, tag: string): string[] {
  const pattern = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g');
  return [...xml.matchAll(pattern)].map((match) => unescapeXml(match[1] ?? ''));
}

/** The text of the first element named `tag`. */
export function elementText(xml: string, tag: string): string | undefined {
  return elementTexts(xml, tag)[0];
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
