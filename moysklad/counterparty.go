package moysklad

// Counterparty is a buyer or supplier (контрагент): only what a delivery
// needs is modelled.
type Counterparty struct {
	Meta       Meta   `json:"meta"`
	ID         string `json:"id,omitempty"`
	Name       string `json:"name,omitempty"`
	LegalTitle string `json:"legalTitle,omitempty"`
	Phone      string `json:"phone,omitempty"`
	Email      string `json:"email,omitempty"`
}

// Address is an address by parts (shipmentAddressFull).
type Address struct {
	PostalCode string `json:"postalCode,omitempty"`
	City       string `json:"city,omitempty"`
	Street     string `json:"street,omitempty"`
	House      string `json:"house,omitempty"`
	Apartment  string `json:"apartment,omitempty"`
	AddInfo    string `json:"addInfo,omitempty"`
	Comment    string `json:"comment,omitempty"`
}
