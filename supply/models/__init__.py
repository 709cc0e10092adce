"""The peewee models, in dependency order."""

from supply.models.batch import Batch
from supply.models.event import Event
from supply.models.event import EventBatch
from supply.models.party import Party
from supply.models.party import Site
from supply.models.product import Product
from supply.models.user import ApiToken
from supply.models.user import User

MODELS = [Party, Site, Product, User, ApiToken, Batch, Event, EventBatch]

__all__ = ["MODELS", "ApiToken", "Batch", "Event", "EventBatch", "Party", "Product", "Site", "User"]
