// Click a column heading to sort the table by it (again: the other way). Without script the
// table stays in its written order, ARR highest first.
document.querySelectorAll("table.sortable th[data-sort]").forEach(function (th) {
  th.addEventListener("click", function () {
    var body = th.closest("table").tBodies[0], column = th.cellIndex;
    var numeric = th.dataset.sort === "number", descending = th.dataset.dir !== "desc";
    th.dataset.dir = descending ? "desc" : "asc";
    var key = function (row) {
      var cell = row.cells[column], value = cell.dataset.sortValue;
      if (value === undefined) value = cell.textContent.trim();
      return numeric ? (value === "" ? -Number.MAX_VALUE : parseFloat(value)) : value.toLowerCase();
    };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), order = x < y ? -1 : x > y ? 1 : 0;
      return descending ? -order : order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
