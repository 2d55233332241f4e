// The static site's search box (portal/templates/portal/search.html in static mode): Pagefind's
// own UI, loaded from the index written beside the pages (portal/site/search_index.py), never
// from a CDN. Without JavaScript the page's <noscript> says so and links the year pages.
(function () {
  "use strict";
  var script = document.currentScript;
  var box = document.getElementById("static-search");
  if (!script || !box) {
    return;
  }
  // data-bundle is the way from this script to the index (../../pagefind/); relative, so the
  // tree works under any prefix a city's web server puts it.
  var bundle = new URL(script.getAttribute("data-bundle"), script.src);
  var unavailable = function () {
    box.textContent = box.getAttribute("data-unavailable");
  };
  var css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("pagefind-ui.css", bundle).href;
  document.head.appendChild(css);
  var ui = document.createElement("script");
  ui.src = new URL("pagefind-ui.js", bundle).href;
  ui.onerror = unavailable;
  ui.onload = function () {
    if (typeof window.PagefindUI !== "function") {
      unavailable();
      return;
    }
    // Result links are stored from the tree's root; the site's root is the index's parent.
    var siteRoot = new URL("../", bundle).pathname;
    // The index holds the Japanese pages; on the English search page a hit links the same page
    // in English (the build writes it under "en/").
    var prefix = script.getAttribute("data-results-prefix") || "";
    var inLanguage = function (url) {
      return prefix && url.indexOf(siteRoot) === 0 ? siteRoot + prefix + url.slice(siteRoot.length) : url;
    };
    // The index holds the Japanese pages, so its filters and the headings a hit's parts are
    // titled by are Japanese: the page gives the site's own words in its language (views.
    // _static_search); what a city wrote is kept as written.
    var wordsData = document.getElementById("static-search-words");
    var words = wordsData ? JSON.parse(wordsData.textContent) : {};
    var filters = words.filters || {};
    var headings = words.headings || {};
    var translatedHeadings = {};
    Object.keys(headings).forEach(function (heading) {
      translatedHeadings[headings[heading]] = true;
    });
    var lang = document.documentElement.getAttribute("lang") || "ja";
    var search = new window.PagefindUI({
      element: "#static-search",
      bundlePath: bundle.pathname,
      baseUrl: siteRoot,
      showImages: false,
      showSubResults: true,
      excerptLength: 40,
      processResult: function (result) {
        result.url = inLanguage(result.url);
        (result.sub_results || []).forEach(function (sub) {
          sub.url = inLanguage(sub.url);
          if (Object.prototype.hasOwnProperty.call(headings, sub.title)) {
            sub.title = headings[sub.title];
          }
        });
        return result;
      }
    });
    // A filter shows its name in the page's language, and the values the site writes (a fiscal
    // year) in its words; a department's name is the city's own, kept and marked Japanese.
    var named = function (element) {
      // Pagefind writes a filter's name into its summary and legend once, when it first shows
      // the filter, and again only if the name changes: a name set here stays.
      var filter = filters[element.textContent.trim()];
      if (filter && !element.hasAttribute("data-filter")) {
        element.setAttribute("data-filter", element.textContent.trim());
        element.textContent = filter.name;
      }
    };
    var valued = function (label) {
      var checkbox = label.parentNode.querySelector("input[name]");
      var filter = checkbox && filters[checkbox.getAttribute("name")];
      var value = label.firstChild;  // the value's own text node; the count follows it
      if (!filter || !value || value.nodeType !== Node.TEXT_NODE) {
        return;
      }
      var shown = filter.values[value.data];
      if (shown !== undefined) {
        value.data = shown;
      } else if (filter.written && lang !== "ja" && !label.hasAttribute("lang")) {
        label.setAttribute("lang", "ja");
      }
    };
    var localise = function () {
      box.querySelectorAll(".pagefind-ui__filter-name, .pagefind-ui__filter-group-label").forEach(named);
      box.querySelectorAll(".pagefind-ui__filter-label").forEach(valued);
      if (prefix) {
        // The hits are the city's Japanese text: marked so, a screen reader reads them in Japanese.
        box.querySelectorAll(".pagefind-ui__result:not([lang])").forEach(function (hit) {
          hit.setAttribute("lang", "ja");
        });
        // ...but for the headings of its parts given above in the page's language.
        box.querySelectorAll(".pagefind-ui__result-nested .pagefind-ui__result-link:not([lang])")
          .forEach(function (link) {
            if (translatedHeadings[link.textContent]) {
              link.setAttribute("lang", lang);
            }
          });
      }
    };
    new MutationObserver(localise).observe(box, {childList: true, subtree: true});
    // The header's search form on the other pages sends ?q= here, as on the dynamic portal.
    var query = new URLSearchParams(window.location.search).get("q");
    if (query) {
      search.triggerSearch(query.slice(0, 100));
    }
  };
  document.head.appendChild(ui);
})();
