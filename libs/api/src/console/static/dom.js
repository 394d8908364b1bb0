// Small helpers for building the page. Everything shown is built with DOM calls and text nodes,
// never parsed as HTML, so nothing from the API can become markup.

/** Builds an element: attributes (on* are listeners), then children (strings become text). */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    parent.append(child instanceof Node ? child : String(child));
  }
  return parent;
}

let ids = 0;
/** An id unique in the page, to tie a label or hint to its control. */
export const uid = (prefix) => `${prefix}-${++ids}`;

export const main = () => document.getElementById('main');

/** Replaces the main content and moves focus to its heading, as a page load would. */
export function show(...children) {
  const container = main();
  container.replaceChildren();
  append(container, children);
  const heading = container.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus();
  }
}

/** A term-description list; rows whose description is empty are left out. */
export function details(rows, className = 'details') {
  return h(
    'dl',
    { class: className },
    rows
      .filter(([, value]) => value !== undefined && value !== null && value !== '')
      .map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value))),
  );
}

/** A hash or an address, set in monospace. */
export const code = (text) => h('code', { class: 'hex' }, text);
