/* kb search: Material's search box over Pagefind's index of the page's language.
 *
 * Pagefind is loaded on the first search. It picks the index of <html lang>, so a Japanese page
 * searches Japanese articles only. Japanese queries go through `segment`, the twin of
 * kb/site/search_text.py that built the index (NFKC, Han/kana runs as bigrams), and the excerpts are
 * joined back for display (`unsegment`). Excerpts are built as text nodes and <mark> elements,
 * never by parsing Pagefind's HTML. Results can be narrowed to one product (Pagefind's
 * `product` filter, from the chips of each article).
 */
(function () {
  "use strict";

  var source = document.getElementById("kb-search-config");
  var root = document.querySelector(".kb-search");
  if (!source || !root) return;
  var config = JSON.parse(source.textContent);
  var strings = config.strings;

  /* Keep these three patterns in step with kb/site/search_text.py. */
  var RUN_CHARS =
    "\u3005\u3006\u3041-\u3096\u309d-\u309f\u30a1-\u30fa\u30fc-\u30ff" +
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  var LOOSE_CHARS = "\u2010-\u2bff\u3000-\u3004\u3007-\u303f\u30fb\uff00-\uffef";
  var RUN = new RegExp("[" + RUN_CHARS + "]+", "g");
  var LOOSE = new RegExp("[" + LOOSE_CHARS + "]", "g");
  var WHOLE_RUN = new RegExp("^[" + RUN_CHARS + "]+$");
  var JOINS = new RegExp("[" + RUN_CHARS + LOOSE_CHARS + "]");

  function bigrams(run) {
    var chars = Array.from(run);
    if (chars.length < 2) return " " + run + " ";
    var grams = [];
    for (var i = 0; i < chars.length - 1; i++) grams.push(chars[i] + chars[i + 1]);
    return " " + grams.join(" ") + " ";
  }

  function segment(text) {
    return text
      .normalize("NFKC")
      .replace(LOOSE, function (c) { return " " + c + " "; })
      .replace(RUN, bigrams)
      .replace(/\s+/g, " ")
      .trim();
  }

  /* Whether the space between two characters of an excerpt was put there by `segment`. */
  function joined(left, right) {
    var a = JOINS.test(left);
    var b = JOINS.test(right);
    return (a && b) || (a && /[0-9A-Za-z]/.test(right)) || (b && /[0-9A-Za-z]/.test(left));
  }

  /* Turn an excerpt of the bigram index back into text: `振込 込手 <mark>手数</mark>
   * <mark>数料</mark>` becomes `振込<mark>手数料</mark>`; spaces next to Japanese go away. */
  function unsegment(html) {
    var chars = [];
    var previous = null;
    var spaced = false;
    var token = /<mark>([^<]*)<\/mark>|([^<\s]+)|(\s+)/g;
    var match;
    while ((match = token.exec(html)) !== null) {
      if (match[3] !== undefined) {
        spaced = true;
        continue;
      }
      var marked = match[1] !== undefined;
      var word = Array.from(marked ? match[1] : match[2]);
      if (!word.length) continue;
      var chained =
        previous && previous.length === 2 && word.length === 2 &&
        previous[1] === word[0] && WHOLE_RUN.test(previous.join("")) &&
        WHOLE_RUN.test(word.join(""));
      if (chained) {
        var last = chars[chars.length - 1];
        last.marked = last.marked || marked;
        chars.push({ c: word[1], marked: marked });
      } else {
        if (previous && spaced && !joined(previous[previous.length - 1], word[0])) {
          chars.push({ c: " ", marked: false });
        }
        word.forEach(function (c) { chars.push({ c: c, marked: marked }); });
      }
      previous = word;
      spaced = false;
    }
    var out = "";
    var open = false;
    chars.forEach(function (item) {
      if (item.marked && !open) { out += "<mark>"; open = true; }
      if (!item.marked && open) { out += "</mark>"; open = false; }
      out += item.c;
    });
    return open ? out + "</mark>" : out;
  }

  /* The search terms of the longest word of a query (`振込手数料`: 振込 込手 手数 数料). */
  function longestWord(query) {
    return query.split(/\s+/).reduce(function (longest, word) {
      var terms = segment(word).split(" ").filter(Boolean);
      return terms.length > longest.length ? terms : longest;
    }, []);
  }

  /* Whether Pagefind matched `length` words in a row on a page, as the query's longest word
   * needs (`プラン`, not `プライバシー` and `ブランド` far apart): a sieve before any fragment
   * is loaded. */
  function inSequence(result, length) {
    if (length < 2) return true;
    var words = new Set(result.words);
    return result.words.some(function (start) {
      for (var i = 1; i < length; i++) if (!words.has(start + i)) return false;
      return true;
    });
  }

  /* Where the page's words (the index copy, as Pagefind counts them) spell `terms`, or -1; a
   * last single character may begin a bigram (`年` in `年末`). */
  function findTerms(words, terms) {
    var last = terms.length - 1;
    for (var start = 0; start + last < words.length; start++) {
      var found = true;
      for (var i = 0; i <= last && found; i++) {
        var word = words[start + i].toLowerCase();
        var term = terms[i];
        found = word === term ||
          (i === last && Array.from(term).length === 1 && word.indexOf(term) === 0);
      }
      if (found) return start;
    }
    return -1;
  }

  var toggle = document.getElementById("__search");
  var form = root.querySelector("form");
  var input = root.querySelector(".md-search__input");
  var product = root.querySelector(".kb-search__product");
  var meta = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var names = {};
  config.products.forEach(function (p) { names[p.id] = p.name; });

  var pagefind = null;
  function load() {
    if (!pagefind) {
      var bundle = new URL(root.dataset.bundle, location.href);
      pagefind = import(new URL("pagefind.js", bundle).href).then(function (module) {
        return module
          .options({
            baseUrl: new URL("../", bundle).pathname,
            excerptLength: config.segment ? 60 : 30,
            /* Pagefind folds diacritics, which in kana are the dakuten: パ, バ and ハ differ. */
            exactDiacritics: config.segment
          })
          .then(function () { return module; });
      });
      pagefind.catch(function () { pagefind = null; });
    }
    return pagefind;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  var ENTITY = /&(?:#(\d+)|#x([0-9a-f]+)|(amp|lt|gt|quot|apos|nbsp));/gi;
  var NAMED = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };

  /* Character references of an excerpt as text. Pagefind's excerpts are text with <mark>
   * around the matches; they are never parsed as HTML here (no innerHTML anywhere). */
  function decodeText(text) {
    return text.replace(ENTITY, function (whole, dec, hex, name) {
      if (name) return NAMED[name.toLowerCase()];
      var code = dec ? parseInt(dec, 10) : parseInt(hex, 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
  }

  /* Pagefind's excerpt as DOM: text nodes, and <mark> elements made here for its marks;
   * anything else that looks like markup stays text. */
  function excerptNodes(html) {
    var out = document.createDocumentFragment();
    var marked = false;
    html.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      if (!part) return;
      var text = decodeText(part);
      out.appendChild(marked ? element("mark", "", text) : document.createTextNode(text));
    });
    return out;
  }

  function textOf(html) {
    return decodeText(html.replace(/<\/?mark>/g, ""));
  }

  /* Text with the query's words marked as typed (after NFKC), so that `手数料` is marked whole
   * where Pagefind would mark bigrams and near misses. */
  function markWords(text, query) {
    var out = document.createDocumentFragment();
    var words = query.normalize("NFKC").toLowerCase().split(/\s+/).filter(Boolean);
    words.sort(function (a, b) { return b.length - a.length; });
    var at = 0;
    if (words.length) {
      var pattern = new RegExp(words.map(function (w) {
        return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      }).join("|"), "gi");
      var match;
      while ((match = pattern.exec(text)) !== null) {
        out.appendChild(document.createTextNode(text.slice(at, match.index)));
        out.appendChild(element("mark", "", match[0]));
        at = match.index + match[0].length;
      }
    }
    out.appendChild(document.createTextNode(text.slice(at)));
    return out;
  }

  /* The section with the most matches (Pagefind's sub-results). */
  function bestSection(data) {
    var best = null;
    (data.sub_results || []).forEach(function (sub) {
      if (!best || sub.locations.length > best.locations.length) best = sub;
    });
    return best;
  }

  /* The section that holds word `start`: the last heading at or before it. */
  function sectionAt(data, start) {
    var best = null;
    var bestAt = -1;
    (data.sub_results || []).forEach(function (sub) {
      var at = sub.anchor ? sub.anchor.location : 0;
      if (at <= start && at >= bestAt) { best = sub; bestAt = at; }
    });
    return best;
  }

  /* Section and excerpt of a page. In a segmented language the excerpt is cut around the first
   * place the query's longest word appears, joined back and marked; otherwise it is Pagefind's
   * (stemmed matches marked by Pagefind). */
  function describe(data, query) {
    if (!config.segment) {
      var section = bestSection(data);
      return { section: section, excerpt: excerptNodes(section ? section.excerpt : data.excerpt) };
    }
    if (data.kbStart < 0) {
      var loose = bestSection(data);
      return {
        section: loose,
        excerpt: markWords(textOf(unsegment(loose ? loose.excerpt : data.excerpt)), query)
      };
    }
    var words = data.content.split(/\s+/);
    var from = Math.max(0, data.kbStart - 12);
    var html = words.slice(from, data.kbStart + 40).map(escapeHtml).join(" ");
    return { section: sectionAt(data, data.kbStart), excerpt: markWords(textOf(unsegment(html)), query) };
  }

  function resultItem(data, query) {
    var item = element("li", "md-search-result__item");
    var products = (data.filters && data.filters.product) || [];
    item.dataset.url = data.url;
    item.dataset.products = products.join(" ");
    var link = element("a", "md-search-result__link");
    link.href = data.url;
    var article = element(
      "article", "md-search-result__article md-search-result__article--document md-typeset"
    );
    article.appendChild(element("div", "md-search-result__icon md-icon"));
    article.appendChild(element("h1", "kb-search-result__title", data.meta.title || data.url));
    if (products.length) {
      var chips = element("p", "kb-search-result__products");
      products.forEach(function (id) { chips.appendChild(element("span", "kb-chip", names[id] || id)); });
      article.appendChild(chips);
    }
    link.appendChild(article);
    item.appendChild(link);
    var described = describe(data, query);
    var section = described.section;
    var excerpt = element("p", "kb-search-result__excerpt");
    excerpt.appendChild(described.excerpt);
    if (section && section.url.indexOf("#") >= 0 && section.url !== data.url) {
      var sectionLink = element("a", "md-search-result__link kb-search-result__section");
      sectionLink.href = section.url;
      var sectionArticle = element("article", "md-search-result__article md-typeset");
      var title = config.segment ? textOf(unsegment(section.title)) : section.title;
      sectionArticle.appendChild(element("h2", "kb-search-result__heading", title));
      sectionArticle.appendChild(excerpt);
      sectionLink.appendChild(sectionArticle);
      item.appendChild(sectionLink);
    } else {
      article.appendChild(excerpt);
    }
    return item;
  }

  function count(n) {
    if (n === 0) return strings.none;
    if (n === 1) return strings.one;
    return strings.other.replace("{count}", String(n));
  }

  var SHOWN = 10;

  /* The pages to show, best first. In a segmented language a page must spell the query's
   * longest word (bigrams that merely co-occur do not count); only when no page does are the
   * loose matches shown. At most two batches of fragments are loaded. */
  function rank(results, query) {
    function fragments(slice) {
      return Promise.all(slice.map(function (r) { return r.data(); }));
    }
    if (!config.segment) {
      return fragments(results.slice(0, SHOWN)).then(function (pages) {
        return { pages: pages, total: results.length };
      });
    }
    var terms = longestWord(query);
    var candidates = results.filter(function (r) { return inSequence(r, terms.length); });
    var verified = [];
    var rejected = 0;
    function batch(offset) {
      return fragments(candidates.slice(offset, offset + SHOWN)).then(function (pages) {
        pages.forEach(function (data) {
          data.kbStart = terms.length ? findTerms(data.content.split(/\s+/), terms) : -1;
          if (data.kbStart >= 0 || terms.length < 2) verified.push(data);
          else rejected++;
        });
        if (verified.length < SHOWN && offset === 0 && candidates.length > SHOWN) {
          return batch(SHOWN);
        }
        return null;
      });
    }
    return batch(0).then(function () {
      if (verified.length || terms.length < 2) {
        return { pages: verified.slice(0, SHOWN), total: candidates.length - rejected };
      }
      return fragments(results.slice(0, SHOWN)).then(function (pages) {
        pages.forEach(function (data) { data.kbStart = -1; });
        return { pages: pages, total: results.length };
      });
    });
  }

  var latest = 0;
  function search() {
    var query = input.value.trim();
    var ticket = ++latest;
    if (!query) {
      meta.textContent = strings.prompt;
      list.replaceChildren();
      delete root.dataset.query;
      return Promise.resolve();
    }
    var terms = config.segment ? segment(query) : query.normalize("NFKC");
    var filters = product && product.value ? { product: product.value } : {};
    return load()
      .then(function (module) { return module.search(terms, { filters: filters }); })
      .then(function (found) {
        if (ticket !== latest || !found) return null;
        return rank(found.results, query).then(function (ranked) {
          if (ticket !== latest) return;
          meta.textContent = count(ranked.total);
          list.replaceChildren.apply(list, ranked.pages.map(function (data) {
            return resultItem(data, query);
          }));
          root.dataset.query = query;
          root.dataset.product = product ? product.value : "";
          /* For assets/kb/insights.js, which records the query once it is settled. */
          root.dispatchEvent(new CustomEvent("kb-search", {
            detail: { query: query, results: ranked.total, product: (product && product.value) || null }
          }));
        });
      })
      .catch(function () {
        if (ticket === latest) meta.textContent = strings.error;
      });
  }

  input.addEventListener("input", search);
  input.addEventListener("focus", function () {
    if (toggle && !toggle.checked) toggle.checked = true;
    load();
  });
  if (product) product.addEventListener("change", search);
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var first = list.querySelector("a");
    if (first) location.href = first.href;
  });
  form.addEventListener("reset", function () {
    setTimeout(function () { search(); input.focus(); });
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked) input.focus();
      else input.blur();
    });
  }
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target instanceof HTMLElement &&
      (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName));
    if (event.key === "Escape" && toggle && toggle.checked) {
      toggle.checked = false;
      input.blur();
    } else if (event.key === "/" && !typing) {
      event.preventDefault();
      if (toggle) toggle.checked = true;
      input.focus();
    }
  });
  window.kbSearch = { segment: segment, unsegment: unsegment };
})();
