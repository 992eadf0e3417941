// filters.js: a filter form whose values live in the URL query (a filtered list is a link you can share).

import { h } from './dom.js';
import { navigate } from './router.js';

/**
 * fields: [{name, label, type: 'select'|'date'|'search'|'text', options: [[value, label]], list: datalist id,
 *           placeholder, hint}]
 * Submitting goes to path?<the non-empty values> (first page). "Clear" goes to path.
 */
export function filterForm(ctx, path, fields, testid) {
  const form = h('form', {
    class: 'filters', role: 'search', 'data-testid': testid, action: path, method: 'get',
    'aria-label': 'Filters',
  });
  for (const f of fields) {
    const id = `filter-${f.name}`;
    const value = ctx.query.get(f.name) || f.default || '';
    let input;
    if (f.type === 'select') {
      input = h('select', { id, name: f.name },
        f.options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
    } else {
      input = h('input', {
        id, name: f.name, type: f.type || 'text', value, list: f.list, placeholder: f.placeholder,
        autocomplete: 'off', spellcheck: 'false', 'aria-describedby': f.hint ? `${id}-hint` : null,
      });
    }
    form.append(h('div', { class: 'field' },
      h('label', { for: id }, f.label), input,
      f.hint ? h('span', { class: 'hint', id: `${id}-hint` }, f.hint) : null));
  }
  form.append(h('div', { class: 'field actions' },
    h('button', { type: 'submit', class: 'primary' }, 'Apply'),
    h('a', { href: path, class: 'button', 'data-testid': 'clear-filters' }, 'Clear')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const f of fields) {
      const v = form.elements[f.name].value.trim();
      if (v !== '' && v !== (f.default || '')) params.set(f.name, v);
    }
    const qs = params.toString();
    navigate(qs ? `${path}?${qs}` : path);
  });
  return form;
}

/** True when any of the names has a value in the URL other than its default. */
export function hasFilters(ctx, fields) {
  return fields.some((f) => {
    const v = ctx.query.get(f.name);
    return v && v !== (f.default || '');
  });
}
