// The Pokédex page: everything it shows comes from the public read API (/pokedex/...), so it doubles as proof that
// an app can live on the mirror alone. No framework and no build step; DOM nodes are built with textContent only.
(function () {
  'use strict';
  const PAGE = 40;
  const STATS = [['hp', 'HP'], ['attack', 'Attack'], ['defense', 'Defense'], ['special_attack', 'Sp. Attack'],
    ['special_defense', 'Sp. Defense'], ['speed', 'Speed']];
  const $ = (id) => document.getElementById(id);
  let offset = 0;
  let count = 0;
  // base of the mirror's own media URLs (from the list answer); null when the server points media at upstream
  let mediaBase;
  const SVG = 'http://www.w3.org/2000/svg';

  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) n.setAttribute(k, v); });
    children.flat().forEach((c) => n.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return n;
  }

  async function api(path) {
    const r = await fetch(path, { headers: { Accept: 'application/json' } });
    const body = await r.json();
    if (!r.ok) throw new Error(body.detail || ('HTTP ' + r.status));
    return body;
  }

  function typeBadges(types) {
    return el('div', { class: 'types' }, types.map((t) => el('span', { class: 'type ' + t }, t)));
  }

  function query() {
    const q = new URLSearchParams({ limit: PAGE, offset: offset, sort: $('sort').value });
    if ($('type').value) q.set('type', $('type').value);
    if ($('generation').value) q.set('generation', $('generation').value);
    if ($('forms').value === 'default') q.set('is_default', 'true');
    return q;
  }

  // the view lives in the page's own URL, so it can be linked, bookmarked and reloaded
  const FILTERS = ['type', 'generation', 'sort', 'forms'];

  function saveState(pokemon) {
    const q = new URLSearchParams();
    FILTERS.forEach((id) => { if ($(id).value && $(id).value !== $(id).options[0].value) q.set(id, $(id).value); });
    if (offset) q.set('offset', offset);
    if ($('external').checked) q.set('external', '1');
    if (pokemon) q.set('pokemon', pokemon);
    const search = q.toString();
    history.replaceState(null, '', location.pathname + (search ? '?' + search : ''));
  }

  function restoreState() {
    const q = new URLSearchParams(location.search);
    FILTERS.forEach((id) => {
      const v = q.get(id);
      if (v !== null && [...$(id).options].some((o) => o.value === v)) $(id).value = v;
    });
    offset = Math.max(0, parseInt(q.get('offset') || '0', 10) || 0);
    $('external').checked = q.get('external') === '1';
    return q.get('pokemon');
  }

  async function load() {
    $('status').textContent = 'Loading…';
    saveState();
    try {
      const page = await api('/pokedex/pokemon?' + query());
      count = page.count;
      mediaBase = page.media_base === undefined ? null : page.media_base;
      $('grid').replaceChildren(...page.results.map(card));
      const last = Math.min(offset + PAGE, count);
      $('status').textContent = count === 0 ? 'No Pokémon match.' : `${offset + 1}–${last} of ${count}`;
      $('prev').disabled = offset === 0;
      $('next').disabled = last >= count;
    } catch (e) {
      $('status').textContent = 'Could not load: ' + e.message;
    }
  }

  // A picture the mirror does not hold is not fetched from the internet unless the reader asks for it (an app living
  // on the mirror must not need the internet); it becomes a silhouette as large as a picture, so rows stay even.
  function placeholder(name) {
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 96 96');
    svg.setAttribute('aria-hidden', 'true');
    const shape = (tag, attrs) => {
      const n = document.createElementNS(SVG, tag);
      Object.entries(attrs).forEach(([k, v]) => n.setAttribute(k, v));
      svg.append(n);
    };
    shape('circle', { cx: 48, cy: 48, r: 34, class: 'ball' });
    shape('path', { d: 'M14 48h68', class: 'band' });
    shape('circle', { cx: 48, cy: 48, r: 9, class: 'button' });
    return el('div', { class: 'noimg', role: 'img', 'aria-label': name + ': no picture in this mirror' }, svg,
      el('span', null, 'no picture'));
  }

  function fromMirror(src) {
    return mediaBase === null || src.startsWith(mediaBase);
  }

  function picture(src, alt, attrs) {
    if (!src || !(fromMirror(src) || $('external').checked)) return placeholder(alt);
    const img = el('img', Object.assign({ src: src, alt: alt }, attrs || {}));
    img.addEventListener('error', () => img.replaceWith(placeholder(alt)), { once: true });
    return img;
  }

  function card(p) {
    const c = el('article', { class: 'mon', tabindex: '0', 'data-id': p.id, 'data-name': p.name, 'data-types': p.types.join(' ') },
      picture(p.sprite, p.name, { loading: 'lazy', width: 96, height: 96 }),
      el('div', { class: 'num' }, '#' + p.id),
      el('div', { class: 'name' }, p.name),
      typeBadges(p.types));
    c.addEventListener('click', () => open(p.id));
    c.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(p.id); });
    return c;
  }

  async function open(id) {
    const d = $('detail');
    d.replaceChildren(el('p', null, 'Loading…'));
    saveState(id);
    if (!$('dialog').open) $('dialog').showModal();
    try {
      const p = await api('/pokedex/pokemon/' + encodeURIComponent(id));
      // prefer artwork served by the mirror; an artwork URL still pointing upstream was not mirrored, so the
      // mirrored sprite is the picture that will load (an app living on the mirror must not need the internet)
      const img = p.artwork && fromMirror(p.artwork) ? p.artwork : (p.sprite || p.artwork);
      const species = p.species || {};
      const cries = [];
      if (p.cries && p.cries.latest) cries.push(el('label', null, 'Latest cry', el('audio', { id: 'cry-latest', controls: '', preload: 'none', src: p.cries.latest })));
      if (p.cries && p.cries.legacy) cries.push(el('label', null, 'Legacy cry', el('audio', { id: 'cry-legacy', controls: '', preload: 'none', src: p.cries.legacy })));
      const close = el('button', { type: 'button', class: 'close', id: 'close' }, '✕');
      close.addEventListener('click', () => $('dialog').close());
      d.replaceChildren(
        close,
        el('div', { class: 'top' },
          picture(img, p.name),
          el('div', null,
            el('div', { class: 'num' }, '#' + p.id + (species.genus ? ' · ' + species.genus : '') + (p.generation ? ' · generation ' + p.generation : '')),
            el('h2', { id: 'detail-name' }, p.name),
            typeBadges(p.types),
            el('p', { class: 'abilities' }, 'Abilities: ', p.abilities.length ? p.abilities.map((a) => a.name + (a.is_hidden ? ' (hidden)' : '')).join(', ') : '–'))),
        species.flavor_text ? el('p', { class: 'flavor' }, species.flavor_text) : '',
        el('div', { class: 'stats' }, STATS.map(([k, label]) => {
          const v = p.stats[k] || 0;
          return el('div', { class: 'stat' }, el('span', null, label), el('span', { class: 'num' }, v),
            el('div', { class: 'bar' }, el('span', { style: null, 'data-value': v })));
        }), el('div', { class: 'stat' }, el('strong', null, 'Total'), el('strong', null, p.total_base_stat || 0), el('span'))),
        el('div', { class: 'cries' }, cries.length ? cries : el('p', { class: 'muted' }, 'No cry recorded.')));
      // why: widths set through the DOM, not a style attribute, so the page's Content-Security-Policy can forbid inline styles
      d.querySelectorAll('.bar span').forEach((s) => { s.style.width = Math.min(100, s.dataset.value / 2.55) + '%'; });
    } catch (e) {
      d.replaceChildren(el('p', null, 'Could not load: ' + e.message));
    }
  }

  async function init() {
    for (let g = 1; g <= 9; g++) $('generation').append(el('option', { value: g }, 'Generation ' + g));
    try {
      const types = await api('/pokedex/types?limit=100&sort=name');
      types.results.forEach((t) => $('type').append(el('option', { value: t.name }, t.name)));
    } catch (e) {
      $('status').textContent = 'Could not load the types: ' + e.message;
    }
    const selected = restoreState();
    FILTERS.forEach((id) => $(id).addEventListener('change', () => { offset = 0; load(); }));
    $('external').addEventListener('change', () => load());
    $('prev').addEventListener('click', () => { offset = Math.max(0, offset - PAGE); load(); });
    $('next').addEventListener('click', () => { offset += PAGE; load(); });
    $('dialog').addEventListener('click', (e) => { if (e.target === $('dialog')) $('dialog').close(); });
    $('dialog').addEventListener('close', () => saveState());
    await load();
    if (selected) open(selected);
  }

  init();
}());
