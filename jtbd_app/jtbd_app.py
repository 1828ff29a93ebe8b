"""The Reflex app: pages (with the app's icons in their head), the plain HTTP routes behind the request guard, a
redirect to APP_URL for a page opened on another host, a notice naming APP_URL when a page's websocket cannot
connect, security headers on every response, the session guard before every event, tab states that expire at no
cost while idle (without Redis), and mail delivery; it refuses to start while money is in flight at a payment gateway
other than the configured one."""

from functools import partial

import reflex as rx

from jtbd_app import bootstrap
from jtbd_app.api.app import create_api
from jtbd_app.api.content_policy import for_the_build as content_policy_for_the_build
from jtbd_app.api.content_policy import frontend_build_dir
from jtbd_app.api.host_redirect import host_redirect
from jtbd_app.api.listing_page import listing_fills
from jtbd_app.api.marketplace_page import marketplace_fills
from jtbd_app.api.page_files import page_files
from jtbd_app.api.request_guard import request_guard
from jtbd_app.api.security_headers import security_headers
from jtbd_app.api.share_pages import share_pages
from jtbd_app.components.app_icons import icon_links
from jtbd_app.components.connection_notice import connection_notice
from jtbd_app.components.lazy_toaster import lazy_toaster
from jtbd_app.components.routed_html import served_fallback
from jtbd_app.config import get_settings
from jtbd_app.routes import register
from jtbd_app.state import state_store
from jtbd_app.state.outages import backend_exception_handler

bootstrap.install_file_store()  # uploaded files: the private folder, or the S3-compatible bucket when one is set
bootstrap.refuse_a_gateway_change(get_settings())  # before anything can move money through the wrong gateway
content_policy = partial(content_policy_for_the_build, get_settings(), frontend_build_dir())
frontend_prefix = rx.config.get_config().prepend_frontend_path("/")
app = rx.App(
    head_components=icon_links(),
    backend_exception_handler=backend_exception_handler,  # a database or Redis outage is a clear message
    # the skip link, focus rings, contrast fixes over Radix Themes; the look of members' markdown (member_text.py)
    stylesheets=["/accessibility.css", "/member_text.css", "/listing_cards.css"],
    api_transformer=[
        create_api(),
        # /marketplace without a redirect to /marketplace/ and with its results filled in; a listing's page names its
        # scripts in its head and has its summary filled in
        page_files(fills=marketplace_fills(frontend_prefix) | listing_fills(frontend_prefix)),
        share_pages,  # the served HTML of a listing or a profile carries its title and Open Graph tags
        request_guard,
        host_redirect,
        partial(security_headers, https=get_settings().cookies_secure, content_policy=content_policy),
    ],
    toaster=lazy_toaster(),  # sonner loads after the page (components/lazy_toaster.py)
    # what the served page of a route with a parameter shows before its scripts have run: the page's frame around
    # a region the server fills in (a listing's summary) or a loading state
    hydrate_fallback=served_fallback,
)
app.app_wraps[(5, "Overlay")] = connection_notice  # in place of Reflex's connection toast: says where to go
register(app)
state_store.install(app)  # without Redis: tab states in memory, expiring at no cost while idle
bootstrap.register_mail_delivery(app, get_settings())
bootstrap.register_scheduler(app, get_settings())
