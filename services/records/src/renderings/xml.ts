/**
 * A small XML writer for the renderings: every text and attribute value passes through one escape, so free text
 * from a physician (which may hold < & " ' or control characters) can never change the document's structure.
 */

// XML 1.0 allows tab, LF, CR and everything from U+0020 except lone surrogates and U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text content: & < > escaped, characters XML cannot carry removed. */
export function escapeText(value: string): string {
  return value.replace(NOT_XML_CHAR, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Attribute values (always written in double quotes): also " and ', and line breaks kept as references. */
export function escapeAttribute(value: string): string {
  return escapeText(value)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

export type Attributes = Readonly<Record<string, string | number | undefined>>;

/** A node: an element with attributes and children, or text (escaped when written). */
export type XmlNode = { readonly name: string; readonly attributes: Attributes; readonly children: readonly XmlNode[] } | string;

const NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/;

export function el(name: string, attributes: Attributes = {}, ...children: readonly (XmlNode | null | false)[]): XmlNode {
  if (!NAME.test(name)) throw new Error(`Not an XML name: ${name}`);
  return { name, attributes, children: children.filter((child): child is XmlNode => child !== null && child !== false) };
}

/** Serialises a node tree, indented by two spaces per level (text-only elements stay on one line). */
export function serialize(node: XmlNode, depth = 0): string {
  const pad = "  ".repeat(depth);
  if (typeof node === "string") return `${pad}${escapeText(node)}`;
  const attributes = Object.entries(node.attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => {
      if (!NAME.test(key)) throw new Error(`Not an XML attribute name: ${key}`);
      return ` ${key}="${escapeAttribute(String(value))}"`;
    })
    .join("");
  if (node.children.length === 0) return `${pad}<${node.name}${attributes}/>`;
  const texts = node.children.filter((child): child is string => typeof child === "string");
  if (texts.length === node.children.length) {
    return `${pad}<${node.name}${attributes}>${texts.map(escapeText).join("")}</${node.name}>`;
  }
  const inner = node.children.map((child) => serialize(child, depth + 1)).join("\n");
  return `${pad}<${node.name}${attributes}>\n${inner}\n${pad}</${node.name}>`;
}
