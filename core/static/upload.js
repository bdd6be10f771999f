// Upload with progress: a form marked data-dhr-upload sends its file with XMLHttpRequest and
// shows how much has gone. Without JavaScript the form posts as usual.
export function initUploads () {
  for (const form of document.querySelectorAll('form[data-dhr-upload]')) {
    const box = form.querySelector('.dhr-upload-progress')
    if (!box) continue
    const bar = box.querySelector('progress')
    const words = box.querySelector('.dhr-upload-progress__text')
    form.addEventListener('submit', (event) => {
      event.preventDefault()
      const request = new XMLHttpRequest()
      request.open('POST', form.action || window.location.href)
      request.upload.addEventListener('progress', (e) => {
        if (!e.lengthComputable) return
        const percent = Math.round((e.loaded / e.total) * 100)
        bar.value = percent
        words.textContent = box.dataset.template.replace('{percent}', percent)
      })
      request.addEventListener('load', () => {
        if (request.status < 400) {
          window.location.assign(request.responseURL || window.location.href)
        } else { // the page that says what was wrong with the file
          document.open()
          document.write(request.responseText)
          document.close()
        }
      })
      request.addEventListener('error', () => { form.submit() })
      box.hidden = false
      request.send(new FormData(form))
    })
  }
}
