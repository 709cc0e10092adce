"""The peewee models, in dependency order."""

from supply.models.batch import Batch
from supply.models.custody import BatchLink
from supply.models.custody import Holding
from supply.models.custody import IdempotencyKey
from supply.models.custody import Planting
from supply.models.custody import Shipment
from supply.models.custody import ShipmentLine
from supply.models.event import Event
from supply.models.event import EventBatch
from supply.models.imports import ImportJob
from supply.models.party import Party
from supply.models.party import Site
from supply.models.product import Product
from supply.models.scans import Scan
from supply.models.user import ApiToken
from supply.models.user import User

MODELS = [
    Party, Site, Product, User, ApiToken, Batch, Event, EventBatch,
    Holding, BatchLink, Planting, Shipment, ShipmentLine, IdempotencyKey, ImportJob,
    Scan,
]

__all__ = [
    "MODELS", "ApiToken", "Batch", "BatchLink", "Event", "EventBatch", "Holding", "IdempotencyKey", "ImportJob",
    "Party", "Planting", "Product", "Scan", "Shipment", "ShipmentLine", "Site", "User",
]
