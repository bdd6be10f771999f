// GOV.UK Frontend's components (an ES module, served from this app; no inline script, so
// the content security policy can forbid them). Browsers that run modules get the
// enhanced components; the pages work without JavaScript.
import { initAll } from './govuk-frontend.min.js'
import { initUploads } from './upload.js'
import { initTableRegions } from './tables.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
initUploads()
initTableRegions()
