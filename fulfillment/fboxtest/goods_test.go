package fboxtest_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/skladflow/skladflow/fulfillment/fboxtest"
)

// good_set_req requires goods: a body without it is bad request content
// (#error_desc 400), not a business error.
func TestGoodsRequired(t *testing.T) {
	t.Parallel()
	s := setup(t, fboxtest.Options{})
	status, _, body := post(t, s.URL()+"/goods", "partner", "secret", `{}`)
	require.Equal(t, 400, status)
	require.EqualValues(t, 400, body["error_code"])
	status, _, body = post(t, s.URL()+"/goods", "partner", "secret", `{"goods":[]}`)
	require.Equal(t, 200, status)
	require.Equal(t, true, body["success"])
}

// good_list_resp carries no EANs or attributes: those are info's.
func TestGoodsListShape(t *testing.T) {
	t.Parallel()
	s := setup(t, fboxtest.Options{})
	status, _, _ := post(t, s.URL()+"/goods", "partner", "secret",
		`{"goods":[{"good_id":"A","good_name":"Чайник","eans":[{"value":"1"}],"attributes":[{"attribute_id":106,"value":20}]}]}`)
	require.Equal(t, 200, status)
	_, _, body := post(t, s.URL()+"/goods/list", "partner", "secret", `{}`)
	items := body["items"].([]any)
	require.Len(t, items, 1)
	item := items[0].(map[string]any)
	require.Equal(t, "good", item["good_type"])
	require.NotContains(t, item, "eans")
	require.NotContains(t, item, "attributes")

	g, found := s.Good("A")
	require.True(t, found)
	require.Equal(t, []string{"1"}, g.EANs)
	require.Equal(t, "int", g.Attributes[0].AttributeType)
	require.Equal(t, "Ставка НДС", g.Attributes[0].AttributeName)
}
