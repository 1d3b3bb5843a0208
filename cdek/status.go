package cdek

// Order status codes (Status.Code, StatusPush.Attributes.Code; CDEK's
// Appendix 1): those skladflow maps by default or its emulator sets. Where
// CDEK has two spellings for one stage, both are here.
const (
	// Created and validated.
	StatusAccepted = "ACCEPTED"
	StatusCreated  = "CREATED"
	StatusInvalid  = "INVALID"

	// In the sender's city.
	StatusReceivedAtShipmentWarehouse      = "RECEIVED_AT_SHIPMENT_WAREHOUSE"
	StatusReadyToShipAtSendingOffice       = "READY_TO_SHIP_AT_SENDING_OFFICE"
	StatusReadyForShipmentInSenderCity     = "READY_FOR_SHIPMENT_IN_SENDER_CITY"
	StatusTakenByTransporterFromSenderCity = "TAKEN_BY_TRANSPORTER_FROM_SENDER_CITY"
	StatusPassedToCarrierAtSendingOffice   = "PASSED_TO_CARRIER_AT_SENDING_OFFICE"

	// In transit.
	StatusSentToTransitCity                = "SENT_TO_TRANSIT_CITY"
	StatusSendToTransitOffice              = "SEND_TO_TRANSIT_OFFICE"
	StatusAcceptedInTransitCity            = "ACCEPTED_IN_TRANSIT_CITY"
	StatusMetAtTransitOffice               = "MET_AT_TRANSIT_OFFICE"
	StatusAcceptedAtTransitWarehouse       = "ACCEPTED_AT_TRANSIT_WAREHOUSE"
	StatusAcceptedToOfficeTransitWarehouse = "ACCEPTED_TO_OFFICE_TRANSIT_WAREHOUSE"

	// In the recipient's city.
	StatusSentToRecipientCity              = "SENT_TO_RECIPIENT_CITY"
	StatusSendToRecipientOffice            = "SEND_TO_RECIPIENT_OFFICE"
	StatusAcceptedInRecipientCity          = "ACCEPTED_IN_RECIPIENT_CITY"
	StatusMetAtRecipientOffice             = "MET_AT_RECIPIENT_OFFICE"
	StatusAcceptedAtRecipientCityWarehouse = "ACCEPTED_AT_RECIPIENT_CITY_WAREHOUSE"
	StatusAcceptedAtDeliveryWarehouse      = "ACCEPTED_AT_DELIVERY_WAREHOUSE"
	StatusAcceptedAtPickUpPoint            = "ACCEPTED_AT_PICK_UP_POINT"
	StatusAcceptedAtWarehouseOnDemand      = "ACCEPTED_AT_WAREHOUSE_ON_DEMAND"
	StatusTakenByCourier                   = "TAKEN_BY_COURIER"
	StatusIssuedForDelivery                = "ISSUED_FOR_DELIVERY"
	StatusPostomatPosted                   = "POSTOMAT_POSTED"

	// On the way back to the sender.
	StatusSentToSenderCity     = "SENT_TO_SENDER_CITY"
	StatusSendToSendingOffice  = "SEND_TO_SENDING_OFFICE"
	StatusAcceptedInSenderCity = "ACCEPTED_IN_SENDER_CITY"
	StatusMetAtSendingOffice   = "MET_AT_SENDING_OFFICE"
	StatusPostomatSeized       = "POSTOMAT_SEIZED"

	// Final.
	StatusDelivered        = "DELIVERED"
	StatusPostomatReceived = "POSTOMAT_RECEIVED"
	StatusNotDelivered     = "NOT_DELIVERED"
	StatusRemoved          = "REMOVED"
)
