"""The peewee models, in dependency order."""

from supply.models.audit import AuditEntry
from supply.models.batch import Batch
from supply.models.capture import CaptureDocument
from supply.models.capture import CaptureJob
from supply.models.certification import Certificate
from supply.models.certification import CertificateDocument
from supply.models.certification import CertificateTransition
from supply.models.cold_chain import Excursion
from supply.models.cold_chain import HoldProposal
from supply.models.cold_chain import ReadingSeries
from supply.models.cold_chain import TemperatureLimit
from supply.models.cold_chain import TemperatureReading
from supply.models.custody import BatchLink
from supply.models.custody import Holding
from supply.models.custody import IdempotencyKey
from supply.models.custody import Planting
from supply.models.custody import Shipment
from supply.models.custody import ShipmentLine
from supply.models.epcis_query import EpcisQuery
from supply.models.epcis_query import EpcisSubscription
from supply.models.event import Event
from supply.models.event import EventBatch
from supply.models.imports import ImportJob
from supply.models.imports import ImportUpload
from supply.models.inspection import Hold
from supply.models.inspection import HoldBatch
from supply.models.inspection import Inspection
from supply.models.inspection import TestResult
from supply.models.notification import Notification
from supply.models.notification import NotificationHook
from supply.models.notification import NotificationSetting
from supply.models.party import Party
from supply.models.party import Site
from supply.models.product import Product
from supply.models.public import PublicLot
from supply.models.public import PublicLotSource
from supply.models.recall import Recall
from supply.models.recall import RecallLot
from supply.models.recall import RecallNotice
from supply.models.scans import CityDay
from supply.models.scans import CityTotalsState
from supply.models.scans import PublicVersion
from supply.models.scans import Scan
from supply.models.user import ApiToken
from supply.models.user import PasswordReset
from supply.models.user import RecoveryCode
from supply.models.user import User
from supply.models.user import UserSession
from supply.models.verification import LotVerification
from supply.models.webhooks import WebhookDelivery
from supply.models.webhooks import WebhookEndpoint

MODELS = [
    Party, Site, Product, User, ApiToken, Batch, Event, EventBatch,
    Holding, BatchLink, Planting, Shipment, ShipmentLine, IdempotencyKey, ImportJob, ImportUpload,
    Scan, Inspection, TestResult, Hold, HoldBatch, Certificate, CertificateTransition, CertificateDocument,
    Recall, RecallLot, RecallNotice, AuditEntry, PublicVersion, PublicLot, PublicLotSource,
    UserSession, PasswordReset, RecoveryCode, LotVerification, CaptureJob, CaptureDocument,
    WebhookEndpoint, WebhookDelivery, EpcisQuery, EpcisSubscription,
    TemperatureLimit, ReadingSeries, TemperatureReading, Excursion, HoldProposal,
    Notification, NotificationSetting, NotificationHook, CityDay, CityTotalsState,
]

__all__ = [
    "MODELS",
    "ApiToken", "AuditEntry", "Batch", "BatchLink", "CaptureDocument", "CaptureJob",
    "Certificate", "CertificateDocument", "CertificateTransition",
    "CityDay", "CityTotalsState",
    "Event", "EventBatch", "Hold", "HoldBatch", "Holding", "IdempotencyKey", "ImportJob", "ImportUpload", "Inspection",
    "LotVerification", "Notification", "NotificationHook", "NotificationSetting", "Party", "Planting", "Product",
    "PublicLot", "PublicLotSource", "PublicVersion",
    "Recall", "RecallLot", "RecallNotice", "Scan", "Shipment", "ShipmentLine", "Site",
    "PasswordReset", "RecoveryCode", "TestResult", "User", "UserSession",
    "Excursion", "HoldProposal", "ReadingSeries", "TemperatureLimit", "TemperatureReading",
    "EpcisQuery", "EpcisSubscription", "WebhookDelivery", "WebhookEndpoint",
]
