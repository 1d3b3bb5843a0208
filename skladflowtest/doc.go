// Package skladflowtest builds the whole of skladflow on the emulators in
// one call, in the style of net/http/httptest: the MoySklad, FBox and
// (optionally) CDEK emulators, the usual stores and products, a valid
// configuration pointing at them and, unless asked not to, the service
// itself, started and provisioned on a free local port.
//
// It is how the end-to-end tests, the crash test and `skladflow demo` get
// their installation, and a place to try an integration against the
// emulators:
//
//	h := skladflowtest.Start(t, skladflowtest.Options{})
//	doc, _ := h.Supply("00042", "", skladflowtest.Line{Product: h.Products[0], Quantity: 10})
//	_ = h.SetStatus(moysklad.TypeSupply, doc.ID, "Передать")
//	d, err := h.WaitStatus(ctx, moysklad.TypeSupply, doc.ID, "Передан")
//
// New is the same without a *testing.T; Close stops everything.
package skladflowtest
