"""The Reflex app: pages, the plain HTTP routes behind the request guard, security headers on every response, the
session guard before every event, and mail delivery; it refuses to start while money is in flight at a payment
gateway other than the configured one."""

from functools import partial

import reflex as rx

from jtbd_app import bootstrap
from jtbd_app.api.app import create_api
from jtbd_app.api.content_policy import for_the_build as content_policy_for_the_build
from jtbd_app.api.content_policy import frontend_build_dir
from jtbd_app.api.request_guard import request_guard
from jtbd_app.api.security_headers import security_headers
from jtbd_app.config import get_settings
from jtbd_app.routes import register

bootstrap.refuse_a_gateway_change(get_settings())  # before anything can move money through the wrong gateway
content_policy = partial(content_policy_for_the_build, get_settings(), frontend_build_dir())
app = rx.App(
    stylesheets=["/accessibility.css"],  # the skip link, focus rings, contrast fixes over Radix Themes
    api_transformer=[
        create_api(),
        request_guard,
        partial(security_headers, https=get_settings().cookies_secure, content_policy=content_policy),
    ],
)
register(app)
bootstrap.register_mail_delivery(app, get_settings())
bootstrap.register_scheduler(app, get_settings())
