"""The links of a GS1 Digital Link URI, by the GS1-Conformant resolver standard 1.2: which links each level of a URI
has (a lot, the product of its GTIN), the linkset (RFC 9264, valid against GS1's linkset schema), the link a
request asks for, and the resolver description file of `/.well-known/gs1resolver`.

A lot's default link is its public page `/t/<token>`, which chooses its language itself (cookie, Accept-Language);
`gs1:pip` also has one link per page language (`?lang=`), chosen by Accept-Language. A GTIN's links are its product
page `/p/<GTIN>`. A URI whose lot (or serial, or variant) we do not know walks up to the GTIN's links.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field
from urllib.parse import quote
from urllib.parse import unquote

from supply.models import Batch
from supply.models import Product
from supply.names import in_language
from supply.services.public.digital_link import DigitalLink
from supply.services.public.digital_link import find_batch
from supply.services.public.digital_link import find_product

VOC = "https://gs1.org/voc/"
# The GS1 Web vocabulary under each of the spellings GS1 itself uses, and its CURIE prefix.
GS1_NAMESPACES = ("https://gs1.org/voc/", "https://ref.gs1.org/voc/", "https://www.gs1.org/voc/",
                  "http://gs1.org/voc/", "gs1:")
LINKSET_TYPES = ("linkset", "all")
LINKSET_MEDIA = "application/linkset+json"
JSON_LD_CONTEXT = "http://www.w3.org/ns/json-ld#context"
CONTEXT_PATH = "/gs1/linkset-context.jsonld"
# Each page language and its tag in a linkset (GS1's linkset schema takes `xx` or `xx-XX`, not zh-Hans).
HREFLANG = (("zh_Hans", "zh-CN"), ("zh_Hant", "zh-HK"), ("en", "en"))
PAGE_TITLE = "Product information page"
PAGE_TITLES = {"zh_Hans": "产品信息页", "zh_Hant": "產品資訊頁", "en": "Product information page (English)"}
# The lot's JSON link types: (link type, path under /t/<token>/, title).
LOT_JSON = (
    ("traceability", "traceability", "Traceability: origin and journey of the lot"),
    ("certificationInfo", "certification", "Certificates covering the lot"),
    ("recallStatus", "recall", "Recall status of the lot"),
)
# What a query string may hold as it is (RFC 3986 query characters and the percent of an escape).
QUERY_SAFE = "!$'()*+,;=:@/?%-._~"
LINK_TYPES = ("defaultLink", "pip", *(name for name, _, _ in LOT_JSON))


@dataclass(frozen=True)
class Link:
    """One link: its target, title, media type and the page language it is in (None: the page chooses)."""

    href: str
    title: str
    type: str | None = None
    language: str | None = None

    def json(self) -> dict:
        """Return the link as a linkset link object."""
        data = {"href": self.href, "title": self.title}
        if self.type:
            data["type"] = self.type
        if self.language:
            data["hreflang"] = [dict(HREFLANG)[self.language]]
        return data


@dataclass
class Entry:
    """The links of one level of a URI (its anchor), by link type (short name: "pip")."""

    anchor: str
    description: str
    links: dict[str, list[Link]] = field(default_factory=dict)

    def json(self) -> dict:
        """Return the entry as a linkset context object."""
        data: dict = {"anchor": self.anchor, "itemDescription": self.description}
        for name, links in self.links.items():
            data[VOC + name] = [link.json() for link in links]
        return data


def _pages(page: str) -> list[Link]:
    """The `gs1:pip` links of a page: the page choosing its language, then one link per language."""
    return [Link(page, PAGE_TITLE, "text/html"),
            *(Link(f"{page}?lang={code}", PAGE_TITLES[code], "text/html", code) for code, _ in HREFLANG)]


def _product_name(product: Product, language: str) -> str:
    name = in_language(product.name, language, product.name_en, product.name_zh_hant)
    variety = in_language(product.variety, language, product.variety_en, product.variety_zh_hant)
    return f"{name} · {variety}" if variety else name


def lot_entry(base: str, anchor: str, batch: Batch, language: str) -> Entry:
    """The links of a lot: its page (the default), in each language, and its JSON answers."""
    page = f"{base}/t/{batch.public_token}"
    entry = Entry(anchor, f"{_product_name(batch.product, language)} · {batch.lot_code}")
    entry.links["defaultLink"] = [Link(page, PAGE_TITLE)]
    entry.links["pip"] = _pages(page)
    for name, path, title in LOT_JSON:
        entry.links[name] = [Link(f"{page}/{path}", title, "application/json")]
    return entry


def product_entry(base: str, anchor: str, product: Product, language: str) -> Entry:
    """The links of a GTIN: its product page (the default) and that page in each language."""
    page = f"{base}/p/{product.gtin}"
    entry = Entry(anchor, _product_name(product, language))
    entry.links["defaultLink"] = [Link(page, PAGE_TITLE)]
    entry.links["pip"] = _pages(page)
    return entry


def entries(base: str, link: DigitalLink, language: str) -> list[Entry]:
    """Return the entries of every level of a URI we have links for, the most granular first; empty when we do not
    know its GTIN. A level's anchor is the URI as asked, cut at that level."""
    found: list[Entry] = []
    product = None
    for level in link.levels:
        anchor = base + level.path
        if level.lot is not None:
            batch = find_batch(link.gtin, level.lot)
            if batch is not None:
                found.append(lot_entry(base, anchor, batch, language))
                product = batch.product
        elif not level.qualifiers:
            product = product or find_product(link.gtin)
            if product is not None:
                found.append(product_entry(base, anchor, product, language))
    return found


def linkset_json(found: list[Entry]) -> dict:
    """Return the entries as an RFC 9264 linkset."""
    return {"linkset": [entry.json() for entry in found]}


def short_name(link_type: str) -> str | None:
    """Return the GS1 link type a `linkType` value names ("gs1:pip", "https://gs1.org/voc/pip": "pip"), or None."""
    for namespace in GS1_NAMESPACES:
        if link_type.startswith(namespace):
            return link_type[len(namespace):] or None
    return None


def pick(found: list[Entry], name: str, language: str | None) -> Link | None:
    """Return the link of type `name` at the most granular level that has one: of several, the one in `language`
    (None when the request names no language we speak: the link whose page chooses), else the first."""
    for entry in found:
        links = entry.links.get(name)
        if links:
            return next((link for link in links if link.language == language), links[0])
    return None


def location(href: str, raw_query: bytes) -> str:
    """Return a link's target with the request's query string passed on, except the resolver's own `linkType`
    (what a URL may not hold raw, as a byte past ASCII, percent-encoded)."""
    kept = [quote(pair, safe=QUERY_SAFE) for pair in raw_query.split(b"&")
            if pair and unquote(pair.split(b"=", 1)[0].decode("latin-1")) != "linkType"]
    if not kept:
        return href
    return href + ("&" if "?" in href else "?") + "&".join(kept)


def link_header(anchor: str, base: str, with_context: bool = False) -> str:
    """Return the Link header: the linkset of the URI asked for (and the JSON-LD context when answering it)."""
    links = [f'<{anchor}?linkType=linkset>; rel="linkset"; type="{LINKSET_MEDIA}"']
    if with_context:
        links.append(f'<{base}{CONTEXT_PATH}>; rel="{JSON_LD_CONTEXT}"; type="application/ld+json"')
    return ", ".join(links)


def resolver_description(base: str) -> dict:
    """Describe this resolver for /.well-known/gs1resolver (GS1's description file schema 1.2.0)."""
    return {
        "name": "Xining highland produce traceability resolver",
        "resolverRoot": base,
        "supportedPrimaryKeys": ["01"],
        "supportedLinkType": [{"namespace": VOC, "prefix": "gs1:"}],
        "linkTypeDefaultCanBeLinkset": False,
        "jsonLdContextLocation": base + CONTEXT_PATH,
    }
