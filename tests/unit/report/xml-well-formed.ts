// A minimal XML 1.0 well-formedness checker (elements, attributes, entities, one root) for the JUnit
// tests, so that they need no XML library. Returns the problems found; [] means well-formed.
const NAME = /^[A-Za-z_:][\w.:-]*$/;
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9A-Fa-f]+);/;
const INVALID_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function checkText(text: string, where: string, problems: string[]): void {
  if (INVALID_CHAR.test(text)) problems.push(`invalid character in ${where}`);
  for (let i = text.indexOf('&'); i >= 0; i = text.indexOf('&', i + 1)) {
    if (!ENTITY.test(text.slice(i))) problems.push(`bare & in ${where}: ${text.slice(i, i + 12)}`);
  }
  if (text.includes('<')) problems.push(`bare < in ${where}`);
}

export function checkXmlWellFormed(xml: string): string[] {
  const problems: string[] = [];
  let rest = xml.replace(/^<\?xml[^?]*\?>/, '');
  const stack: string[] = [];
  let roots = 0;
  while (rest.length > 0) {
    const lt = rest.indexOf('<');
    const text = lt < 0 ? rest : rest.slice(0, lt);
    if (stack.length === 0 && text.trim() !== '') problems.push(`text outside the root: ${text.trim().slice(0, 20)}`);
    checkText(text, 'text', problems);
    if (lt < 0) break;
    rest = rest.slice(lt);
    const gt = rest.indexOf('>');
    if (gt < 0) {
      problems.push('unterminated tag');
      break;
    }
    const tag = rest.slice(1, gt);
    rest = rest.slice(gt + 1);
    if (tag.startsWith('/')) {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) problems.push(`mismatched </${name}>`);
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const body = selfClosing ? tag.slice(0, -1) : tag;
    const m = /^([^\s/>]+)((?:\s+[^\s=]+="[^"]*")*)\s*$/.exec(body);
    if (!m) {
      problems.push(`malformed tag <${tag.slice(0, 40)}>`);
      continue;
    }
    const name = m[1]!;
    if (!NAME.test(name)) problems.push(`bad element name ${name}`);
    const seen = new Set<string>();
    for (const a of (m[2] ?? '').matchAll(/([^\s=]+)="([^"]*)"/g)) {
      if (seen.has(a[1]!)) problems.push(`duplicate attribute ${a[1]} on <${name}>`);
      seen.add(a[1]!);
      checkText(a[2]!, `attribute ${a[1]} of <${name}>`, problems);
    }
    if (stack.length === 0) roots += 1;
    if (!selfClosing) stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed elements: ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`expected one root element, found ${roots}`);
  return problems;
}
