// Text only: a file or picture pasted or dropped on the widget (or dropped anywhere on the page while the
// chat is open) is refused with a kind message, and nothing is sent.
(function (parts) {
  'use strict';

  /** Does this clipboard or drag carry a file or a picture? */
  function hasFiles(data) {
    if (!data) return false;
    if (data.files && data.files.length) return true;
    var items = data.items;
    if (items) {
      for (var i = 0; i < items.length; i++) {
        if (items[i].kind === 'file' || /^image\//i.test(items[i].type || '')) return true;
      }
    }
    var types = data.types;
    if (types) {
      for (var j = 0; j < types.length; j++) {
        if (types[j] === 'Files' || /^image\//i.test(types[j])) return true;
      }
    }
    return false;
  }

  /** Listens (through widget.on, so unmounting removes it all) and calls widget.refuseFile(). */
  function refuseFiles(widget) {
    var root = widget.view.root;
    var refuse = function (e) {
      e.preventDefault();
      e.stopPropagation();
      widget.refuseFile();
    };
    widget.on(root, 'paste', function (e) { if (hasFiles(e.clipboardData)) refuse(e); }, true);
    ['dragenter', 'dragover'].forEach(function (type) {
      widget.on(root, type, function (e) {
        // Accept the drag so that the drop below can be refused kindly (and the browser does not open the
        // file in this tab).
        if (hasFiles(e.dataTransfer)) e.preventDefault();
      }, true);
    });
    widget.on(root, 'drop', function (e) { if (hasFiles(e.dataTransfer)) refuse(e); }, true);
    // Dropped anywhere else on the page while the chat is open, the picture would open in this tab.
    ['dragover', 'drop'].forEach(function (type) {
      widget.on(document, type, function (e) {
        if (!widget.isOpen || !hasFiles(e.dataTransfer) || root.contains(e.target)) return;
        e.preventDefault();
        if (type === 'drop') widget.refuseFile();
      });
    });
  }

  parts.fileRefusal = { refuseFiles: refuseFiles };
})(window.SafeHarbourParts);
