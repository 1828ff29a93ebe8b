"""Use cases as plain functions with keyword arguments; they enforce permissions. No Reflex here."""

# Its session listeners write the change stamps of every unit of work (the public caches depend on them): loaded with
# any service, so that no process writes through the services without them.
from jtbd_app.services import live as live
