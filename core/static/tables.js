// Wide tables scroll sideways inside their own region, so that the page does not (WCAG 2.2
// 1.4.10 Reflow allows a region to scroll for a data table; issue 14). Each table goes into
// a region named by its caption or the heading before it; while the region scrolls it takes
// keyboard focus (tabindex 0), so that it can be scrolled with the arrow keys.
// Without JavaScript the stylesheet still keeps every table inside the page: long words
// wrap anywhere and the columns narrow (assets/app.scss, "Reflow").

function labelFor (table, fallback) {
  const caption = table.querySelector('caption')
  let heading = table.previousElementSibling
  while (heading && !/^H[1-6]$/.test(heading.tagName)) {
    heading = heading.previousElementSibling
  }
  const named = caption || heading
  if (named) {
    if (!named.id) {
      named.id = 'dhr-table-' + Math.random().toString(36).slice(2, 10)
    }
    return ['aria-labelledby', named.id]
  }
  return ['aria-label', fallback]
}

function keyboardReach (region) {
  if (region.scrollWidth > region.clientWidth + 1) {
    region.setAttribute('tabindex', '0')
  } else {
    region.removeAttribute('tabindex')
  }
}

export function initTableRegions (root = document) {
  const fallback = document.body.dataset.dhrTableLabel || 'Table'
  const regions = []
  for (const table of root.querySelectorAll('table.govuk-table')) {
    if (table.parentElement.classList.contains('dhr-scroll-region')) {
      regions.push(table.parentElement)
      continue
    }
    const region = document.createElement('div')
    region.className = 'dhr-scroll-region dhr-scroll-region--auto'
    region.setAttribute('role', 'region')
    region.setAttribute(...labelFor(table, fallback))
    table.parentNode.insertBefore(region, table)
    region.appendChild(table)
    regions.push(region)
  }
  if (!regions.length) return
  regions.forEach(keyboardReach)
  if ('ResizeObserver' in window) {
    const observer = new window.ResizeObserver(entries => {
      entries.forEach(entry => keyboardReach(entry.target))
    })
    regions.forEach(region => observer.observe(region))
  } else {
    window.addEventListener('resize', () => regions.forEach(keyboardReach))
  }
}
