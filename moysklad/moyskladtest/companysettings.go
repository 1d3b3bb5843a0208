package moyskladtest

import "net/http"

// companySettings answers GET /context/companysettings (spec paths/
// dictionaries/companysettings/companysettings.yaml, schema
// companySettings.yaml) with the settings the emulator keeps: whether
// shipping stock is checked. The rest are a new account's defaults.
func (s *Server) companySettings(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	on := s.checkShipping
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.settingsBody(on))
}

// putCompanySettings changes checkShippingStock, as an administrator
// would; other settings sent are ignored.
func (s *Server) putCompanySettings(w http.ResponseWriter, r *http.Request) {
	var body object
	if !decodeBody(w, r, &body) {
		return
	}
	s.mu.Lock()
	if v, ok := body["checkShippingStock"].(bool); ok {
		s.checkShipping = v
	}
	on := s.checkShipping
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.settingsBody(on))
}

func (s *Server) settingsBody(checkShipping bool) object {
	return object{
		"meta": object{"href": s.base + "/context/companysettings", "type": "companysettings",
			"mediaType": "application/json", "metadataHref": s.base + "/context/companysettings/metadata"},
		"checkShippingStock": checkShipping, "checkMinPrice": false, "useRecycleBin": true,
		"globalOperationNumbering": true, "discountStrategy": "bySum", "useCompanyAddress": false,
		"accountCountry": "RU",
	}
}
