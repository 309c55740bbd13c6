/** Text into XML, SVG and HTML: the one escaper every report uses. */

/**
 * What XML 1.0 forbids even escaped: C0 controls but tab and newlines, U+FFFE and U+FFFF, and
 * surrogates that are not part of a pair.
 */
// biome-ignore lint/complexity/useRegexLiterals: as a literal it would name control characters, which lint refuses.
const FORBIDDEN = new RegExp(
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
  'g',
);

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/**
 * Text safe in an attribute or element of XML, SVG or HTML: markup escaped, and the characters XML
 * forbids (a control byte in a violation's text, a lone surrogate) replaced by U+FFFD.
 */
export function escapeXml(text: string): string {
  return text.replace(FORBIDDEN, '\uFFFD').replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}
