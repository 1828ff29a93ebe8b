"""The Reflex app: theme, pages and the plain HTTP routes."""

import reflex as rx

from jtbd_app.api.app import create_api
from jtbd_app.routes import register

app = rx.App(api_transformer=create_api())
register(app)
