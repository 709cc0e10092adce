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
