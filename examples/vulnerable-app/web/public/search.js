// Browser-side search box for the storefront. Intentionally insecure.
(function () {
  const params = new URLSearchParams(window.location.search);
  const userInput = params.get("q") || "";
  const el = document.getElementById("search-echo");

  // Planted: DOM XSS, user-controlled text written as HTML.
  el.innerHTML = "Results for: " + userInput;

  const flash = document.getElementById("flash");
  flash.innerHTML = decodeURIComponent(window.location.hash.slice(1));

  // Safe counterpart: textContent does not parse HTML.
  document.getElementById("search-title").textContent = userInput;

  function renderResults(items) {
    const list = document.getElementById("results");
    list.textContent = "";
    items.forEach(function (item) {
      const li = document.createElement("li");
      li.textContent = item.name + " - " + item.price;
      list.appendChild(li);
    });
  }

  fetch("/products?category=" + encodeURIComponent(userInput))
    .then(function (r) { return r.json(); })
    .then(renderResults);
})();
