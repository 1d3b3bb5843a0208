package cdek_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/cdek"
)

func TestParsePushShapes(t *testing.T) {
	t.Parallel()
	// CDEK's documented example, with the trailing space one copy carries.
	doc := `{"type":"ORDER_STATUS","date_time":"2020-08-10T21:32:14+0700","uuid":"72753031-2801-4186-a091-0be58cedfee7",
		"attributes":{"is_return":false,"cdek_number":"1106321645","code":"RECEIVED_AT_SHIPMENT_WAREHOUSE ","status_code":"3",
		"status_date_time":"2020-08-10T21:32:14+0700","city_name":"Новосибирск","city_code":"270"}}`
	p, err := cdek.ParsePush([]byte(doc))
	require.NoError(t, err)
	require.Equal(t, "RECEIVED_AT_SHIPMENT_WAREHOUSE", p.Attributes.Code)
	require.Equal(t, "1106321645", string(p.Attributes.CDEKNumber))
	require.Equal(t, 2020, p.Attributes.StatusDateTime.Year())

	// The older shape: a numeric cdek_number, city instead of city_name, no status_date_time.
	old := `{"type":"ORDER_STATUS","date_time":"2019-02-01T10:00:00+03:00","uuid":"u1","attributes":{"cdek_number":1100285492,"code":"DELIVERED","status_code":"4","city":"Москва"}}`
	p, err = cdek.ParsePush([]byte(old))
	require.NoError(t, err)
	require.Equal(t, "1100285492", string(p.Attributes.CDEKNumber))
	require.Equal(t, 2019, p.Attributes.StatusDateTime.Year(), "the push time stands in for a missing status time")

	for _, bad := range []string{`{`, `{"type":"PRINT_FORM","uuid":"u1","attributes":{"code":"X"}}`,
		`{"type":"ORDER_STATUS","attributes":{"code":"DELIVERED"}}`, `{"type":"ORDER_STATUS","uuid":"u1","attributes":{}}`} {
		_, err := cdek.ParsePush([]byte(bad))
		require.ErrorIs(t, err, cdek.ErrBadPush, bad)
	}
}

func FuzzParsePush(f *testing.F) {
	f.Add([]byte(`{"type":"ORDER_STATUS","date_time":"2023-11-28T07:44:45+0000","uuid":"u","attributes":{"cdek_number":"1","code":"DELIVERED"}}`))
	f.Add([]byte(`{"type":"ORDER_STATUS","uuid":"u","attributes":{"cdek_number":12,"code":" X ","status_date_time":"2023-11-28T07:44:45+03:00"}}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		p, err := cdek.ParsePush(body)
		if err != nil {
			require.ErrorIs(t, err, cdek.ErrBadPush)
			return
		}
		require.NotEmpty(t, p.UUID)
		require.NotEmpty(t, p.Attributes.Code)
	})
}
