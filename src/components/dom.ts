/**
 * A tiny element builder for components: text always goes in as text nodes (never innerHTML), so
 * product names or comments holding HTML show as the characters they are.
 */

export type Child = Node | string | number | null | undefined | false;
export type Attributes = Record<string, string | number | boolean | null | undefined>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  append(element, ...children);
  return element;
}

export function append(parent: Element, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(typeof child === "number" ? String(child) : child);
  }
}

/**
 * Makes `element` an input that Framework's view() understands: a `value` property and an
 * "input" event whenever it changes.
 */
export function asInput<E extends HTMLElement, V>(
  element: E,
  get: () => V,
  set?: (value: V) => void,
): E & {value: V} {
  Object.defineProperty(element, "value", {
    get,
    set: (value: V) => {
      set?.(value);
      element.dispatchEvent(new Event("input", {bubbles: true}));
    },
    configurable: true,
  });
  return element as E & {value: V};
}
