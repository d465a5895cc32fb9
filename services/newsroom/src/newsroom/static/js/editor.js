// The article editor: photos from the library, autosave of drafts, a warning before
// leaving unsaved text. Loaded before Trix, so the body is in Trix's shape when it starts.
"use strict";

(function () {
  const form = document.getElementById("article-form");
  if (!form) return;
  const body = document.getElementById("body_html");
  const csrf = form.querySelector("input[name=csrf_token]").value;
  const state = document.getElementById("autosave-state");
  const AUTOSAVE_MS = 15000;
  let dirty = false;
  let saving = false;
  let autosaveStopped = false;

  // --- photos: our clean markup <-> Trix's attachments --------------------------------

  function fragment(html) {
    const template = document.createElement("template");
    template.innerHTML = html; // a template's content is inert: nothing in it runs
    return template;
  }

  function toTrix(html) {
    const template = fragment(html);
    template.content.querySelectorAll("figure").forEach(function (figure) {
      const img = figure.querySelector("img");
      if (!img || figure.hasAttribute("data-trix-attachment")) return;
      const caption = figure.querySelector("figcaption");
      const attachment = { contentType: "image/jpeg", url: img.getAttribute("src") };
      if (img.dataset.mediaId) attachment.mediaId = img.dataset.mediaId;
      if (img.getAttribute("alt")) attachment.alt = img.getAttribute("alt");
      figure.setAttribute("data-trix-attachment", JSON.stringify(attachment));
      figure.setAttribute("data-trix-attributes", JSON.stringify({ caption: caption ? caption.textContent : "" }));
      figure.setAttribute("data-trix-content-type", "image/jpeg");
    });
    return template.innerHTML;
  }

  function fromTrix(html) {
    const template = fragment(html);
    template.content.querySelectorAll("figure[data-trix-attachment]").forEach(function (figure) {
      let attachment;
      let attributes;
      try {
        attachment = JSON.parse(figure.getAttribute("data-trix-attachment"));
        attributes = JSON.parse(figure.getAttribute("data-trix-attributes") || "{}");
      } catch (error) {
        return;
      }
      if (!attachment.url) return;
      // A caption typed in the editor is the piece's; one given at insertion, the attachment's.
      const captionText = attributes.caption || attachment.caption || "";
      const clean = document.createElement("figure");
      const img = document.createElement("img");
      img.setAttribute("src", attachment.url);
      img.setAttribute("alt", attachment.alt || captionText);
      if (attachment.mediaId) img.setAttribute("data-media-id", attachment.mediaId);
      clean.appendChild(img);
      if (captionText) {
        const caption = document.createElement("figcaption");
        caption.textContent = captionText;
        clean.appendChild(caption);
      }
      figure.replaceWith(clean);
    });
    return template.innerHTML;
  }

  body.value = toTrix(body.value);

  function editor() {
    return form.querySelector("trix-editor").editor;
  }

  function insertPhoto(photo) {
    const attachment = new window.Trix.Attachment({
      contentType: "image/jpeg",
      url: photo.url,
      mediaId: String(photo.id),
      alt: photo.alt || photo.caption,
      caption: photo.caption,
    });
    editor().insertAttachment(attachment);
    dirty = true;
  }

  // Photos come from the library only: a file dropped into the text is refused.
  document.addEventListener("trix-file-accept", function (event) {
    event.preventDefault();
  });

  // --- the library dialog --------------------------------------------------------------

  const dialog = document.getElementById("library");
  const items = document.getElementById("library-items");

  function showLibrary(list) {
    items.replaceChildren();
    list.filter(function (photo) { return photo.status === "ready" && photo.url; }).forEach(function (photo) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "library-item";
      button.dataset.mediaId = photo.id;
      const img = document.createElement("img");
      img.src = photo.preview || photo.url;
      img.alt = photo.alt || photo.caption;
      const caption = document.createElement("span");
      caption.textContent = photo.caption;
      button.append(img, caption);
      button.addEventListener("click", function () {
        insertPhoto(photo);
        dialog.close();
      });
      items.appendChild(button);
    });
    if (!items.children.length) items.textContent = "Không có ảnh nào.";
  }

  function loadLibrary() {
    const query = document.getElementById("library-q").value;
    const url = form.dataset.library + "?q=" + encodeURIComponent(query);
    fetch(url, { credentials: "same-origin" })
      .then(function (reply) { return reply.json(); })
      .then(function (data) { showLibrary(data.items || []); })
      .catch(function () { items.textContent = "Không tải được thư viện ảnh."; });
  }

  document.getElementById("open-library").addEventListener("click", function () {
    dialog.showModal();
    loadLibrary();
  });
  document.getElementById("library-find").addEventListener("click", loadLibrary);
  document.getElementById("library-close").addEventListener("click", function () { dialog.close(); });

  function waitReady(photo, uploadState) {
    const url = form.dataset.library + "/" + photo.id;
    fetch(url, { credentials: "same-origin" })
      .then(function (reply) { return reply.json(); })
      .then(function (current) {
        if (current.status === "ready") {
          uploadState.textContent = "Ảnh đã sẵn sàng.";
          insertPhoto(current);
          dialog.close();
        } else if (current.status === "failed") {
          uploadState.textContent = "Không xử lý được ảnh này.";
        } else {
          window.setTimeout(function () { waitReady(photo, uploadState); }, 1000);
        }
      });
  }

  document.getElementById("upload-send").addEventListener("click", function () {
    const file = document.getElementById("upload-file").files[0];
    const uploadState = document.getElementById("upload-state");
    if (!file) {
      uploadState.textContent = "Hãy chọn một ảnh.";
      return;
    }
    const data = new FormData();
    data.append("file", file);
    data.append("caption", document.getElementById("upload-caption").value);
    data.append("alt", document.getElementById("upload-caption").value);
    data.append("credit", document.getElementById("upload-credit").value);
    uploadState.textContent = "Đang tải lên…";
    fetch(form.dataset.upload, {
      method: "POST", body: data, credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    })
      .then(function (reply) {
        return reply.json().then(function (answer) { return { ok: reply.ok, answer: answer }; });
      })
      .then(function (result) {
        if (!result.ok) {
          uploadState.textContent = result.answer.error || "Không tải lên được.";
          return;
        }
        uploadState.textContent = "Đang xử lý ảnh…";
        waitReady(result.answer, uploadState);
      })
      .catch(function () { uploadState.textContent = "Không tải lên được."; });
  });

  // --- autosave and the warning before leaving -----------------------------------------

  form.addEventListener("input", function () { dirty = true; });
  document.addEventListener("trix-change", function () { dirty = true; });
  form.addEventListener("submit", function () {
    body.value = fromTrix(body.value);
    dirty = false;
  });
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });

  function fields() {
    const values = {};
    new FormData(form).forEach(function (value, key) {
      if (typeof value === "string") values[key] = value;
    });
    values.body_html = fromTrix(body.value);
    return values;
  }

  function autosave() {
    if (!form.dataset.autosave || !dirty || saving || autosaveStopped) return;
    saving = true;
    dirty = false;
    fetch(form.dataset.autosave, {
      method: "PATCH",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(fields()),
    })
      .then(function (reply) {
        return reply.json().then(function (answer) { return { status: reply.status, answer: answer }; });
      })
      .then(function (result) {
        if (result.status === 200) {
          form.querySelector("input[name=etag]").value = result.answer.etag;
          state.textContent = "Đã tự động lưu lúc " + new Date().toLocaleTimeString("vi-VN");
        } else {
          dirty = true;
          if (result.status === 412) autosaveStopped = true;
          state.textContent = result.answer.error || "Chưa tự động lưu được.";
        }
      })
      .catch(function () {
        dirty = true;
        state.textContent = "Chưa tự động lưu được (mất kết nối?).";
      })
      .finally(function () { saving = false; });
  }

  window.setInterval(autosave, AUTOSAVE_MS);
})();
