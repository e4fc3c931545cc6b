#!/usr/bin/env python3
"""Checks the DOM headless Chromium built from an exitguard --html page
(chromium --headless --dump-dom): what a person would see in the browser.

  check_dom.py run DOM       a run of leak_one, leak_tree, misuse and a shell
                             leaving "<script>alert(1)</script>" open
  check_dom.py nojs DOM      the same page without its script
  check_dom.py big N DOM     N processes of leak_one under one shell
  check_dom.py timing DOM    the load time the timing page measured
  check_dom.py behaviour DOM what behaviour.html saw when it clicked
"""
import json
import sys
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent = tag, dict(attrs), parent
        self.children = []

    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def walk(self):
        yield self
        for c in self.children:
            if isinstance(c, Element):
                yield from c.walk()

    def find(self, tag=None, cls=None, **attrs):
        return [e for e in self.walk()
                if (tag is None or e.tag == tag) and (cls is None or cls in e.classes())
                and all(e.attrs.get(k) == v for k, v in attrs.items())]

    def inside(self, other):
        at = self.parent
        while at is not None:
            if at is other:
                return True
            at = at.parent
        return False


class Builder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.at = Element("#document", [], None)

    def handle_starttag(self, tag, attrs):
        e = Element(tag, attrs, self.at)
        self.at.children.append(e)
        if tag not in VOID:
            self.at = e

    def handle_endtag(self, tag):
        at = self.at
        while at is not None and at.tag != tag:
            at = at.parent
        if at is not None and at.parent is not None:
            self.at = at.parent

    def handle_data(self, data):
        self.at.children.append(data)


def load(path):
    b = Builder()
    with open(path, encoding="utf-8", errors="replace") as f:
        b.feed(f.read())
    return b.root


failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def one(items, what):
    check(len(items) == 1, "%s: %d found, not 1" % (what, len(items)))
    return items[0] if items else None


def proc_named(dom, name):
    return [li for li in dom.find("li", "proc")
            if any(s.text().endswith(name) for s in li.find("span", "name")[:1])]


def check_tree(dom):
    procs = dom.find("li", "proc")
    check(len(procs) == 7, "7 processes in the tree, not %d" % len(procs))
    check(len(dom.find("details")) >= 4, "the tree is <details>")
    parents = proc_named(dom, "/leak_tree")
    check(len(parents) == 2, "leak_tree and its child: %d" % len(parents))
    if len(parents) == 2:
        check(parents[1].inside(parents[0]), "leak_tree's child is under leak_tree")
    found = [li for li in procs if "found" in li.classes()]
    check(len(found) == 5, "5 processes marked as leaking (sh, leak_one, leak_tree x2, "
          "misuse), not %d" % len(found))


def check_site(dom):
    links = [a for a in dom.find("a", "site") if a.text() == "main tests/programs/leak_one.c:9"]
    link = one(links, "the link to leak_one's site")
    if not link:
        return
    section = one(dom.find("section", id=link.attrs["href"][1:]), "the site it links to")
    if not section:
        return
    hit = one([s for s in section.find("span", "l") if "hit" in s.classes()], "highlighted line")
    check(hit is not None and 'open("/etc/passwd", flags)' in hit.text(),
          "the highlighted line is leak_one.c:9: %r" % (hit and hit.text()))
    check("1 leak in 1 process" in section.text(), "the site's count")


def check_escaping(dom):
    evil = "<script>alert(1)</script>"
    check(any(evil in e.text() for e in dom.find("li", "item")),
          "the path with %s shows as text" % evil)
    scripts = dom.find("script")
    check(all("nonce" in s.attrs and "alert" not in s.text() for s in scripts),
          "no script but the page's own")
    check(not any(k.startswith("on") for e in dom.walk() for k in e.attrs),
          "no event handler attribute")
    check(all(e.tag in KNOWN for e in dom.walk()),
          "only the page's own elements: %s" % sorted({e.tag for e in dom.walk()} - KNOWN))


KNOWN = {"#document", "html", "head", "meta", "title", "style", "body", "header", "h1", "h2",
         "h3", "p", "ul", "li", "b", "span", "input", "main", "nav", "label", "a", "section",
         "button", "details", "summary", "div", "pre", "code", "footer", "script", "table",
         "tr", "th", "td", "tbody"}


def main():
    mode = sys.argv[1]
    dom = load(sys.argv[-1])
    buttons = dom.find("button")
    if mode == "run":
        check_tree(dom)
        check_site(dom)
        check_escaping(dom)
        check(len(buttons) == 2 and all("hidden" not in b.attrs for b in buttons),
              "the script ran: expand/collapse buttons shown")
        check("leaked" in one(dom.find(id="verdict"), "the verdict").text(), "the verdict")
    elif mode == "nojs":
        check_tree(dom)
        check_site(dom)
        check(len(buttons) == 2 and all("hidden" in b.attrs for b in buttons),
              "without script the buttons stay hidden")
        check(len(dom.find("input", "filter")) == 8, "the kind filters are check boxes")
    elif mode == "big":
        n = int(sys.argv[2])
        procs = dom.find("li", "proc")
        check(len(procs) == n + 1, "%d processes in the tree, not %d" % (n + 1, len(procs)))
        sites = dom.find("section", "site")
        check(len(sites) == 1, "one site, not %d" % len(sites))
        check(sites and "%d leaks in %d processes" % (n, n) in sites[0].text(), "its count")
    elif mode == "behaviour":
        t = one(dom.find(id="t"), "the result")
        try:
            seen = json.loads(t.text() if t else "")
        except ValueError:
            seen = {}
        want = {"fd_before": "all", "misuse_before": "all",
                "fd_unchecked": "hidden", "fd_sites_unchecked": "hidden",
                "misuse_fd_unchecked": "all", "fd_again": "all",
                "quiet_before": "all", "quiet_unchecked": "hidden",
                "found_quiet_unchecked": "all",
                "open_after_collapse": 0, "closed_after_expand": 0}
        for key, value in want.items():
            check(seen.get(key) == value, "%s: %r, not %r" % (key, seen.get(key), value))
    elif mode == "timing":
        t = one(dom.find(id="t"), "the timing")
        text = t.text() if t else ""
        check(text.startswith("load_ms="), "the page loaded: %r" % text)
        if not failures:
            print(text[len("load_ms="):])
    for f in failures:
        print("tests/html: %s: %s" % (sys.argv[-1], f), file=sys.stderr)
    return 1 if failures else 0


sys.exit(main())
