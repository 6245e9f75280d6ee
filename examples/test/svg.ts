/** Test helper for the SVG writers. */
import { expect } from 'vitest';

/** Checks every opened tag is closed in order (self-closing tags count as both); returns tag names. */
export function checkBalanced(svg: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (closing) expect(stack.pop(), `closing </${name}>`).toBe(name);
    else if (!selfClosing) stack.push(name);
    names.push(name);
  }
  expect(stack).toEqual([]);
  return names;
}
