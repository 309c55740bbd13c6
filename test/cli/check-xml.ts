/**
 * A small XML well-formedness check for the JUnit tests (the project has no XML parser): tags nest,
 * attributes are quoted, text has no raw markup, entities are the five or numeric, one root.
 */
const TOKEN = /<\?xml[^?]*\?>|<(\/?)([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;

function entitiesOk(text: string): boolean {
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    ENTITY.lastIndex = i;
    if (!ENTITY.test(text)) return false;
  }
  return !text.includes('<');
}

/** Problems found; empty when the document is well-formed. */
export function xmlProblems(xml: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < xml.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(xml);
    if (m === null) {
      problems.push(`unparsable at ${at}: ${xml.slice(at, at + 40)}`);
      break;
    }
    const [, closing, name, attrs, selfClosing, text] = m;
    if (text !== undefined) {
      if (stack.length === 0 && text.trim() !== '') problems.push(`text outside the root at ${at}`);
      if (!entitiesOk(text)) problems.push(`bad text at ${at}`);
    } else if (name !== undefined) {
      if (attrs !== undefined && !entitiesOk(attrs)) problems.push(`bad attribute at ${at}`);
      if (closing === '/') {
        if (stack.pop() !== name) problems.push(`</${name}> closes the wrong element at ${at}`);
      } else {
        if (stack.length === 0) roots++;
        if (selfClosing !== '/') stack.push(name);
      }
    }
  }
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

export const unescapeXml = (text: string): string =>
  text.replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e] as string);

/** Each <testcase>'s name and classname, and its failure's message when it has one. */
export function testcases(xml: string): { name: string; classname: string; failure?: string }[] {
  const cases = [
    ...xml.matchAll(/<testcase name="([^"]*)" classname="([^"]*)"(\/>|>([\s\S]*?)<\/testcase>)/g),
  ];
  return cases.map((m) => {
    const failure = /<(?:failure|error) message="([^"]*)"/.exec(m[4] ?? '');
    return {
      name: unescapeXml(m[1] as string),
      classname: unescapeXml(m[2] as string),
      ...(failure === null ? {} : { failure: unescapeXml(failure[1] as string) }),
    };
  });
}
