"""EPCIS 2.0 query interface: the standard query parameters read into SQL over our event log, answered as
EPCISQueryDocuments (events written by interchange.epcis), named queries and the subscriptions that push them."""
