"""The tool catalogue, as data: WordPress (wp/v2) and WooCommerce (wc/v3) tool specs.

Scope policy, declared on every spec and checked by the catalogue tests:

- ``read``: every tool that only reads (GET, and the site-info / connection-test handlers);
- ``write``: creating and changing content (POST, PUT), uploading media, moderating comments;
- ``admin``: every delete. Each delete here can destroy data for good: media and terms have
  no trash (``force=true`` is fixed), and posts, pages, comments and products accept
  ``force=true``. A scope is declared per tool, not per argument, so it is the scope of the
  worst the tool can do.

List-valued filters (``categories``, ``include``, ...) go to the query string as lists; the
site gateway joins them with commas, which is how the REST API reads array arguments
(``wp_parse_list``). List items that are strings therefore exclude commas by pattern.
"""

from __future__ import annotations

from application.catalogue.woocommerce_products import product_tools
from application.catalogue.wordpress_content import content_tools
from application.catalogue.wordpress_media import media_tools
from application.catalogue.wordpress_people import people_tools
from application.catalogue.wordpress_site import site_tools
from application.catalogue.wordpress_taxonomy import taxonomy_tools
from application.tools.spec import ToolSpec

__all__ = ["all_tools", "woocommerce_tools", "wordpress_tools"]


def wordpress_tools() -> list[ToolSpec]:
    return [*site_tools(), *content_tools(), *media_tools(), *taxonomy_tools(), *people_tools()]


def woocommerce_tools() -> list[ToolSpec]:
    return product_tools()


def all_tools() -> list[ToolSpec]:
    return [*wordpress_tools(), *woocommerce_tools()]
