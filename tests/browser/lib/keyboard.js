'use strict';
// Keyboard-only helpers: move focus with Tab, describe the focused element, and check that
// focus is visible wherever it lands.
const assert = require('node:assert/strict');

/** Describe document.activeElement, including whether a focus indicator is drawn. */
async function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', text: '', visibleFocus: false, onScreen: false };
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    // The field's own label: label[for], a wrapping <label> (check boxes and radio buttons), or
    // aria-labelledby (the rich-text editor's editing area).
    const labelledBy = el.getAttribute('aria-labelledby');
    const label = (el.labels && el.labels[0]) || (el.id ? document.querySelector(`label[for="${el.id}"]`) : null)
      || (labelledBy ? document.getElementById(labelledBy) : null);
    return {
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute('role') || '',
      id: el.id,
      type: el.getAttribute('type') || '',
      checked: Boolean(el.checked),
      text: (el.innerText || el.value || '').trim().replace(/\s+/g, ' ').slice(0, 60),
      label: label ? label.textContent.replace('*', '').trim() : '',
      href: el.getAttribute('href') || '',
      focusVisible: el.matches(':focus-visible'),
      visibleFocus: Boolean(outline || shadow),
      outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
      boxShadow: cs.boxShadow,
      onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.left < window.innerWidth
        && r.bottom > 0 && r.top < window.innerHeight,
    };
  });
}

function describeFocus(f) {
  return `<${f.tag}${f.id ? `#${f.id}` : ''}> "${f.label || f.text}"`;
}

/**
 * Press Tab until `match(focusInfo)` is true (at most `max` presses). Every element focused on the
 * way must show a focus indicator and be on screen; violations are pushed to `problems`.
 */
async function tabTo(page, match, { max = 60, problems = [], shift = false } = {}) {
  const seen = [];
  for (let i = 0; i < max; i += 1) {
    await page.keyboard.press(shift ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    seen.push(describeFocus(f));
    if (f.tag !== 'body') {
      if (!f.visibleFocus) problems.push(`no visible focus indicator on ${describeFocus(f)} (outline ${f.outline}; box-shadow ${f.boxShadow})`);
      if (!f.onScreen) problems.push(`focused element off screen: ${describeFocus(f)}`);
    }
    if (match(f)) return f;
  }
  throw new Error(`Tab never reached the wanted element after ${max} presses; focus went: ${seen.join(' → ')}`);
}

/** Press a key that navigates (Enter on a link, Space on a submit button) and wait for the new page. */
async function pressAndNavigate(page, key) {
  const [resp] = await Promise.all([page.waitForNavigation(), page.keyboard.press(key)]);
  return resp;
}

/** Tab to the field labelled `label` (at most `max` presses) and type `text` into it. */
async function typeInto(page, label, text, problems, max = 3) {
  const f = await tabTo(page, (x) => x.label === label, { problems, max });
  assert.ok(['input', 'textarea'].includes(f.tag), `${label}: ${describeFocus(f)}`);
  await page.keyboard.type(text);
}

module.exports = { focused, tabTo, describeFocus, pressAndNavigate, typeInto };
