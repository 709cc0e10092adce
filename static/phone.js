// On a narrow screen a list's rows become cards: each cell is labelled with its column's heading (CSS does the rest).
(function () {
  "use strict";
  document.querySelectorAll("main table").forEach(function (table) {
    var head = table.tHead;
    if (!head || !head.rows.length || table.classList.contains("no-cards")) { return; }
    var names = Array.prototype.map.call(head.rows[0].cells, function (cell) { return cell.textContent.trim(); });
    Array.prototype.forEach.call(table.tBodies, function (body) {
      Array.prototype.forEach.call(body.rows, function (row) {
        var column = 0;
        Array.prototype.forEach.call(row.cells, function (cell) {
          if (!cell.hasAttribute("data-label") && names[column]) { cell.setAttribute("data-label", names[column]); }
          column += cell.colSpan || 1;
        });
      });
    });
    table.classList.add("cards");
  });
})();

// A shipment's receiving site: offer only the sites of the receiving party chosen above it.
(function () {
  "use strict";
  var party = document.querySelector("select[name=to_party]");
  var site = document.querySelector("select[name=to_site]");
  if (!party || !site) { return; }
  var follow = function () {
    var code = party.value;
    Array.prototype.forEach.call(site.querySelectorAll("optgroup"), function (group) {
      var mine = !!code && group.label.slice(-(code.length + 2)) === "(" + code + ")";
      group.hidden = !mine;
      group.disabled = !mine;
      if (!mine && group.contains(site.selectedOptions[0] || null)) { site.value = ""; }
    });
  };
  party.addEventListener("change", follow);
  follow();
})();

// The register form asks for an ear tag only when the product chosen is live yak.
(function () {
  "use strict";
  var box = document.querySelector(".ear-tag[data-products]");
  var product = document.querySelector("select[name=product]");
  if (!box || !product) { return; }
  var codes = box.getAttribute("data-products").split(" ").filter(Boolean);
  var follow = function () {
    var input = box.querySelector("input");
    box.hidden = codes.indexOf(product.value) < 0 && !(input && input.value) && !box.querySelector(".error");
  };
  product.addEventListener("change", follow);
  follow();
})();
